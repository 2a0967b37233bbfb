import ESL
import Synchronization
import TestSupport
import Testing

@testable import Switchy

/// Capture 25: the RTP statistics FreeSWITCH 1.10.12 reports on each originating leg's
/// CHANNEL_HANGUP_COMPLETE, read by a listener that keeps no variables (as a load run's).
struct RTPStatisticsTests {
    /// The four calls' originating legs as they ended, by uuid.
    func endedLegs() throws -> [String: Session] {
        let listener = EventListener(keepVariables: false)
        let legs = Mutex<[String: Session]>([:])
        listener.onCallEnded { call in
            if let leg = call.originatingSession { legs.withLock { $0[call.uuid] = leg } }
        }
        for event in try CaptureFrames.events("25") { listener.handle(event) }
        listener.drainCallbacks()
        return legs.withLock { $0 }
    }

    @Test func eachLegsFiguresAsCapture25ReportsThem() throws {
        let legs = try endedLegs()
        #expect(legs.count == 4)
        // (1) tone on B, A parked: 250 in, 0 out.
        let tone = try #require(legs["6b764e5d-702b-4398-9c99-360c28ca66ea"]?.rtp)
        #expect(tone == RTPStatistics(inPackets: 250, outPackets: 0))
        #expect(tone.receivedMOS == 4.5 && tone.lossPercent == 0 && tone.jitterMs == 0)
        // (2) echo on B, A plays a looping tone: 249 in, 251 out.
        let echo = try #require(legs["1ea71860-b00d-4914-8fc4-83f864fd3af8"]?.rtp)
        #expect(echo.inPackets == 249 && echo.outPackets == 251 && echo.receivedMedia)
        // (3) park on both sides: nothing either way, yet FreeSWITCH says MOS 4.50.
        let silent = try #require(legs["3231a7cb-47d7-4175-8f9b-e42f3727c36f"]?.rtp)
        #expect(silent.inPackets == 0 && silent.outPackets == 0)
        #expect(silent.mos == 4.5 && silent.qualityPercentage == 100, "what FreeSWITCH reports")
        #expect(!silent.receivedMedia && silent.receivedMOS == nil && silent.lossPercent == nil && silent.jitterMs == nil)
        // (4) the tone cut at the first ')': played once, 111 in, 113 out.
        let cut = try #require(legs["79f7661f-a403-475e-a001-6d100ad287bb"]?.rtp)
        #expect(cut.inPackets == 111 && cut.outPackets == 113)
    }

    /// CHANNEL_HANGUP carries only `rtp_audio_recv_pt`: no statistics from it.
    @Test func onlyTheHangupCompleteAndDestroyEventsCarryThem() throws {
        let events = try CaptureFrames.events("25")
        let hangups = events.filter { $0.name == "CHANNEL_HANGUP" }
        let completes = events.filter { $0.name == "CHANNEL_HANGUP_COMPLETE" }
        #expect(!hangups.isEmpty && hangups.allSatisfy { RTPStatistics($0) == nil })
        #expect(!completes.isEmpty && completes.allSatisfy { RTPStatistics($0) != nil })
    }

    /// Every ended leg keeps them: 24 bytes (32-bit counts, single-precision figures).
    @Test func theyStaySmall() {
        #expect(MemoryLayout<RTPStatistics>.size == 24)
        #expect(RTPStatistics(inPackets: 1, outPackets: 2, flaws: 3, mos: 4.21, qualityPercentage: 93.75, maxVariance: 0.1).mos == 4.21)
    }

    /// The derived figures: loss = flaws / (packets + flaws), jitter = √max variance.
    @Test(arguments: [
        // 95 received, 5 lost: 5 % of the 100 expected.
        (RTPStatistics(inPackets: 95, outPackets: 0, flaws: 5, mos: 4.2, qualityPercentage: 94, maxVariance: 9), 5.0, 3.0),
        // Nothing lost, no variance.
        (RTPStatistics(inPackets: 250, outPackets: 250), 0.0, 0.0),
    ])
    func derivedFigures(rtp: RTPStatistics, loss: Double, jitter: Double) {
        #expect(rtp.lossPercent.map { abs($0 - loss) < 1e-9 } == true)
        #expect(rtp.jitterMs.map { abs($0 - jitter) < 1e-9 } == true)
        #expect(rtp.receivedMOS == rtp.mos)
    }
}
