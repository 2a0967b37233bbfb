/// What the simulated core remembers about a leg's call, besides its headers.
struct CallModel {
    /// How the far end behaves.
    enum Behaviour {
        /// Answers after a delay (`echo`, `park`, `9196`, `tone`).
        case answer
        /// 180, then nothing (`ring`).
        case ring
        /// 180, then answer (`ringanswer`).
        case ringAnswer
        /// 183 with SDP, then answer (`earlymedia`).
        case earlyMedia
        /// No response at all: on a loop-back call the inbound leg parks unanswered
        /// for an app to ring or reject (`noanswer`).
        case park
        /// A final SIP error response.
        case reject(cause: HangupCause, sipStatus: Int, phrase: String)
    }

    /// The originate that created the leg, until it resolves.
    var job: PendingJob?
    var behaviour = Behaviour.answer
    var next: OriginateRequest.Next?
    var ignoreEarlyMedia = false
    /// `execute_on_answer=sched_hangup:+N`: N.
    var hangupAfterAnswer: Int?
    /// The running application: name, arguments, Application-UUID.
    var application: (name: String, arguments: String, uuid: String)?
    var lastApplication: (name: String, arguments: String)?
    var parked = false
    var hadMedia = false
    /// The leg plays audio (``SwitchCore/notePlaying(_:application:)``), and so
    /// sends RTP; or, on a loop-back call's inbound leg, its caller does.
    var playsAudio = false
    var peerPlaysAudio = false
    /// Timers to cancel when the leg goes down.
    var timers: [UInt64] = []
    /// A pending `sched_hangup`: its task id and timer.
    var scheduledHangup: (taskID: Int, timer: UInt64)?
    /// The other leg of a loop-back call.
    var peer: String?
    /// This server ends the leg itself (a graceful shutdown): no BYE arrives for it.
    var endedHere = false
    /// Counts toward the session limits (refused and destroy-only legs do not).
    var isSession = true
    /// Broadcasts and recordings (`SwitchCore+Media`).
    var media = MediaState()
}

/// An API command (an originate, typically) waiting for its result; shared by the
/// code paths that may resolve it.
final class PendingJob {
    /// Fires the API event (stamped with the command's start).
    private let fireAPI: () -> Void
    /// Delivers the result body (`+OK <uuid>\n` / `-ERR <CAUSE>\n`).
    private let complete: (String) -> Void
    private var apiFired = false
    private var finished = false

    init(fireAPI: @escaping () -> Void, complete: @escaping (String) -> Void) {
        self.fireAPI = fireAPI
        self.complete = complete
    }

    /// Fires the API event unless done already.
    func api() {
        if !apiFired {
            apiFired = true
            fireAPI()
        }
    }

    /// Fires the API event if needed, then the result (once).
    func finish(_ body: String) {
        guard !finished else { return }
        finished = true
        api()
        complete(body)
    }
}
