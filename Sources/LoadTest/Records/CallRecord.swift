public import Switchy

/// Everything known about one offered call once it is over: one row of `calls.csv`.
///
/// Two clocks, never mixed (ARCHITECTURE.md, "Clocks"): `*At` times are this
/// process's monotonic clock in ns (turned into wall-clock time only when written),
/// `server*` times are FreeSWITCH's own, µs since the epoch, moving in 20 ms steps.
public struct CallRecord: Sendable, Equatable {
    /// 0-based offer order across the run.
    public var seq: Int
    /// Our `origination_uuid` (also the bgapi Job-UUID).
    public var callUUID: String
    /// The slave's name: `host:port` as the profile names it, or `sim-N`.
    public var slave: String
    /// The app of the call, if any.
    public var app: String?
    /// The capacity search's step (0-based) the call was due in; nil outside a search.
    public var step: Int?
    public var outcome: Outcome = .lost
    public var hangupCause: String?
    public var sipStatus: Int?
    /// What went wrong, for `failed` and `lost` (a reply, a disconnect …).
    public var error: String?
    /// The hold this run planned after the answer, ns (nil: none; the app or the far
    /// end ends the call).
    public var plannedHold: Int64?
    /// When (local clock, ns) this run asked for the call's end: its hold timer's
    /// `uuid_kill`, or the `hupall` of a run that is stopping. Nil when the run never
    /// asked, so a call that ended with this nil was ended by someone else.
    public var hangupRequestedAt: Int64?

    // Media (README, "Media"): what the call was to play, and the originating leg's
    // RTP statistics from its CHANNEL_HANGUP_COMPLETE (nil: none reported).
    /// `call.media` of the call; ``CallMedia/none`` expects no RTP.
    public var media: CallMedia = .none
    /// `rtp_audio_in_packet_count`: RTP packets the originating leg received.
    public var rtpInPackets: Int?
    /// `rtp_audio_in_mos`, only when packets were received (``RTPStatistics/receivedMOS``).
    public var mos: Double?
    /// Packets lost, % of those expected (``RTPStatistics/lossPercent``).
    public var rtpLossPct: Double?
    /// Jitter, ms (``RTPStatistics/jitterMs``).
    public var jitterMs: Double?
    /// The far leg's `rtp_audio_in_packet_count` and MOS (only with packets), when
    /// this run tracks that leg too (a slave calling itself or another slave of the
    /// run): what the originating leg's audio became on arrival.
    public var farRTPInPackets: Int?
    public var farMOS: Double?

    // Local monotonic times, ns.
    public var scheduledAt: Int64
    /// Handed over to the control connection (the scheduler's hand-off).
    public var sentAt: Int64?
    /// The originate's last byte taken by the kernel: `sentAt` + the time the command
    /// waited in this process's write queue (nil when unknown: never written, or the
    /// call closed before its write was reported).
    public var writtenAt: Int64?
    public var createdAt: Int64?
    public var progressAt: Int64?
    public var answeredAt: Int64?
    public var jobDoneAt: Int64?
    public var hangupAt: Int64?

    // Server times, µs since the epoch (originating leg).
    public var serverCreated: Int64?
    public var serverProgress: Int64?
    public var serverAnswered: Int64?
    public var serverHangup: Int64?

    public init(seq: Int, callUUID: String, slave: String, app: String?, scheduledAt: Int64) {
        self.seq = seq
        self.callUUID = callUUID
        self.slave = slave
        self.app = app
        self.scheduledAt = scheduledAt
    }

    /// How a call ended.
    public enum Outcome: String, Sendable, CaseIterable, Comparable {
        /// CHANNEL_ANSWER was seen on the originating leg, and the call was held as
        /// planned (or had no planned hold).
        case answered
        /// Answered, then ended by someone other than this run before its planned hold
        /// (less ``dropTolerance``): a graceful shutdown's `SYSTEM_SHUTDOWN`, a BYE from
        /// the far end, a media timeout … (``classify(_:)``).
        case dropped
        /// The far end refused it with a final response (busy, declined, no route …).
        case rejected
        /// It rang or waited and nobody answered in time.
        case noAnswer = "no_answer"
        /// It could not be placed, or failed for another reason (throttled, bad
        /// gateway, network, a refused command …).
        case failed
        /// We ended it before it was answered (the run stopped).
        case cancelled
        /// We never learned how it ended (the slave dropped, events stopped).
        case lost

        public static func < (lhs: Outcome, rhs: Outcome) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Answered (dropped included), expected media, and received no RTP packet at all:
    /// a broken media path with perfect signalling.
    public var noMedia: Bool {
        media.expectsMedia && (outcome == .answered || outcome == .dropped) && rtpInPackets == 0
    }

    /// Sets the media columns from the originating leg's statistics.
    mutating func setMedia(_ rtp: RTPStatistics) {
        rtpInPackets = rtp.inPackets
        mos = rtp.receivedMOS
        rtpLossPct = rtp.lossPercent
        jitterMs = rtp.jitterMs
    }

    // MARK: Derived intervals, ms (nil when an end is missing)

    /// Scheduled → sent: how late the generator was.
    public var scheduleLagMs: Double? { ms(scheduledAt, sentAt) }
    /// Sent → written: how long the originate waited in this generator's write queue
    /// for the control socket to take it (0.0x ms when the socket took it at once;
    /// grows when the slave reads its commands more slowly than they are sent). Part
    /// of `originate_ms` and `answer_ms`, which also run from sent.
    public var sendQueueMs: Double? { ms(sentAt, writtenAt) }
    /// Sent → first ringing or early media (post-dial delay).
    public var pddMs: Double? { ms(sentAt, progressAt) }
    /// Sent → answered.
    public var answerMs: Double? { ms(sentAt, answeredAt) }
    /// Scheduled → answered: the setup time as a caller waiting since the call was due
    /// would see it (free of coordinated omission).
    public var setupMsFromSchedule: Double? { ms(scheduledAt, answeredAt) }
    /// Sent → BACKGROUND_JOB result.
    public var originateMs: Double? { ms(sentAt, jobDoneAt) }
    /// Answered → hung up (local clock).
    public var holdMs: Double? { ms(answeredAt, hangupAt) }
    /// The hold the call had, ns: on the server clock (what the callee had) when both
    /// server times are known, else on the local clock; nil when neither is known.
    /// What ``Outcome/classify(_:)`` compares with ``plannedHold`` and ACD averages.
    public var held: Int64? {
        if let serverAnswered, let serverHangup { return (serverHangup - serverAnswered) * 1_000 }
        guard let answeredAt, let hangupAt else { return nil }
        return hangupAt - answeredAt
    }

    /// How far a call held as planned (`answered`, with a planned hold) was from its
    /// planned hold, ms, whichever way: |``held`` − ``plannedHold``|. Nil for any other
    /// call (a dropped call was cut on purpose by someone else: its shortfall is not
    /// drift).
    public var holdDriftMs: Double? {
        guard outcome == .answered, let plannedHold, let held else { return nil }
        return Double(abs(held - plannedHold)) / 1_000_000
    }

    /// Server clock: created → first progress.
    public var serverPddMs: Double? { serverMs(serverCreated, serverProgress) }
    /// Server clock: created → answered.
    public var serverAnswerMs: Double? { serverMs(serverCreated, serverAnswered) }
    /// Server clock: answered → hung up.
    public var serverHoldMs: Double? { serverMs(serverAnswered, serverHangup) }

    private func ms(_ from: Int64?, _ to: Int64?) -> Double? {
        guard let from, let to else { return nil }
        return Double(to - from) / 1_000_000
    }

    private func serverMs(_ from: Int64?, _ to: Int64?) -> Double? {
        guard let from, let to else { return nil }
        return Double(to - from) / 1_000
    }
}
