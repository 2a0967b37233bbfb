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
