import LoadTest
import Testing

@Suite struct OutcomeTests {
    @Test(arguments: [
        (true, "NORMAL_CLEARING", nil, CallRecord.Outcome.answered),  // a normal answered call
        (true, "ALLOTTED_TIMEOUT", nil, .answered),  // hung up by sched_hangup: still answered
        (true, "USER_BUSY", 486, .answered),  // answer wins over anything after it
        (false, "USER_BUSY", 486, .rejected),  // capture 04 (a)
        (false, "NO_ROUTE_DESTINATION", 404, .rejected),  // capture 04 (b): a FreeSWITCH peer's 404
        (false, "NO_ANSWER", nil, .noAnswer),  // capture 05: originate_timeout
        (false, "RECOVERY_ON_TIMER_EXPIRE", 408, .noAnswer),  // SIP 408
        (false, "ORIGINATOR_CANCEL", 487, .cancelled),  // we cancelled it
        (false, "DESTINATION_OUT_OF_ORDER", nil, .failed),  // throttled, max-sessions, duplicate uuid
        (false, "INVALID_PROFILE", nil, .failed),  // capture 04 (c)
        (false, "NORMAL_TEMPORARY_FAILURE", 503, .failed),  // 503 from a proxy: not the callee's refusal
        (false, "NORMAL_UNSPECIFIED", 499, .rejected),  // an unmapped 4xx: the callee refused
        (false, nil, nil, .failed),  // no cause at all
    ] as [(Bool, String?, Int?, CallRecord.Outcome)])
    func classify(answered: Bool, cause: String?, sip: Int?, expected: CallRecord.Outcome) {
        #expect(CallRecord.Outcome.classify(answered: answered, cause: cause, sipStatus: sip) == expected)
    }

    @Test func intervalsUseOneClockEach() {
        var record = CallRecord(seq: 0, callUUID: "u", slave: "sim-1", app: nil, scheduledAt: 1_000_000_000)
        record.sentAt = 1_002_000_000
        record.progressAt = 1_052_000_000
        record.answeredAt = 1_102_000_000
        record.hangupAt = 3_102_000_000
        record.serverCreated = 1_795_728_774_000_000
        record.serverAnswered = 1_795_728_774_100_000
        #expect(record.scheduleLagMs == 2)
        #expect(record.pddMs == 50)
        #expect(record.answerMs == 100)
        #expect(record.setupMsFromSchedule == 102)
        #expect(record.holdMs == 2000)
        #expect(record.serverAnswerMs == 100)
        #expect(record.serverPddMs == nil)
    }
}

/// `dropped`: answered, then ended by someone other than this run before its planned
/// hold (less 100 ms), whatever the cause; the hold on the server's clock when known.
@Suite struct DroppedOutcomeTests {
    /// One row of the table: how the call ended and what it should count as.
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var cause: String = "NORMAL_CLEARING"
        var answered = true
        /// Planned hold, s (nil: none).
        var planned: Double? = 3
        /// Held on the server's clock, s (nil: the server's times are unknown).
        var serverHeld: Double?
        /// Held on the local clock, s.
        var localHeld = 3.0
        var requestedByRun = false
        var expected: CallRecord.Outcome
    }

    static let cases: [Case] = [
        Case(description: "graceful shutdown 1.3 s into a 10 s hold (capture 24)", cause: "SYSTEM_SHUTDOWN", planned: 10,
             serverHeld: 1.3, localHeld: 1.3, expected: .dropped),
        Case(description: "the far end's BYE after 2 s of 3", serverHeld: 2, localHeld: 2, expected: .dropped),
        Case(description: "a media timeout after 0.5 s of 3", cause: "MEDIA_TIMEOUT", serverHeld: 0.5, localHeld: 0.5,
             expected: .dropped),
        Case(description: "ended by the far end 60 ms early: within the tolerance", serverHeld: 2.94, localHeld: 2.94,
             expected: .answered),
        Case(description: "exactly at the tolerance's edge: held", serverHeld: 2.9, localHeld: 2.9, expected: .answered),
        Case(description: "just past the edge: dropped", serverHeld: 2.899, localHeld: 2.899, expected: .dropped),
        Case(description: "no planned hold: never dropped", planned: nil, serverHeld: 0.2, localHeld: 0.2, expected: .answered),
        Case(description: "this run asked for its end (a stopping run's hangup)", cause: "MANAGER_REQUEST", serverHeld: 1,
             localHeld: 1, requestedByRun: true, expected: .answered),
        Case(description: "held its planned time, ended by the safety-net sched_hangup", cause: "ALLOTTED_TIMEOUT",
             serverHeld: 5, localHeld: 5, expected: .answered),
        Case(description: "the server's clock counts: full hold there, short here (a late answer event)",
             serverHeld: 3, localHeld: 2.5, expected: .answered),
        Case(description: "the server's clock counts: short there, full here", serverHeld: 2.5, localHeld: 3, expected: .dropped),
        Case(description: "no server times: the local clock decides", serverHeld: nil, localHeld: 1, expected: .dropped),
        Case(description: "never answered: rejected, never dropped", cause: "USER_BUSY", answered: false, expected: .rejected),
    ]

    @Test(arguments: cases)
    func classify(_ row: Case) {
        var record = CallRecord(seq: 0, callUUID: "u", slave: "sim-1", app: nil, scheduledAt: 0)
        record.hangupCause = row.cause
        record.plannedHold = row.planned.map { Int64($0 * 1e9) }
        record.sentAt = 1_000_000
        if row.answered {
            record.answeredAt = 100_000_000
            record.hangupAt = 100_000_000 + Int64((row.localHeld * 1e9).rounded())
            if let serverHeld = row.serverHeld {
                record.serverAnswered = 1_795_728_774_100_000
                record.serverHangup = 1_795_728_774_100_000 + Int64((serverHeld * 1e6).rounded())
            }
        } else {
            record.sipStatus = 486
            record.hangupAt = 50_000_000
        }
        if row.requestedByRun { record.hangupRequestedAt = 90_000_000 }
        #expect(CallRecord.Outcome.classify(record) == row.expected)
    }

    @Test func heldIsOnTheServersClockWhenKnown() {
        var record = CallRecord(seq: 0, callUUID: "u", slave: "sim-1", app: nil, scheduledAt: 0)
        #expect(record.held == nil)
        record.answeredAt = 1_000_000_000
        record.hangupAt = 3_500_000_000
        #expect(record.held == 2_500_000_000)
        record.serverAnswered = 1_795_728_774_100_000
        record.serverHangup = 1_795_728_777_100_000
        #expect(record.held == 3_000_000_000)
    }
}
