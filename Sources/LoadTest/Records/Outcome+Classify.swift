extension CallRecord.Outcome {
    /// Hangup causes that mean "nobody answered in time".
    static let noAnswerCauses: Set<String> = [
        "NO_ANSWER", "NO_USER_RESPONSE", "PROGRESS_TIMEOUT", "RECOVERY_ON_TIMER_EXPIRE", "SUBSCRIBER_ABSENT",
    ]

    /// Hangup causes that mean "the far end refused the call" (SIP 4xx/6xx from a
    /// reachable callee; esl-protocol.md §6.5).
    static let rejectionCauses: Set<String> = [
        "USER_BUSY", "CALL_REJECTED", "NO_ROUTE_DESTINATION", "UNALLOCATED_NUMBER", "NUMBER_CHANGED",
        "INVALID_NUMBER_FORMAT", "INCOMPATIBLE_DESTINATION", "SERVICE_UNAVAILABLE", "SERVICE_NOT_IMPLEMENTED",
        "FACILITY_REJECTED", "REDIRECTION_TO_NEW_DESTINATION", "EXCHANGE_ROUTING_ERROR", "INTERWORKING",
        "BUSY_EVERYWHERE", "DECLINE", "DOES_NOT_EXIST_ANYWHERE", "NOT_ACCEPTABLE", "UNWANTED", "USER_CHALLENGE",
        "OUTGOING_CALL_BARRED", "INCOMING_CALL_BARRED", "BEARERCAPABILITY_NOTAUTH", "NO_IDENTITY",
        "BAD_IDENTITY_INFO", "UNSUPPORTED_CERTIFICATE", "INVALID_IDENTITY", "STALE_DATE", "REJECT_ALL",
    ]

    /// Causes of a call we ended ourselves before it was answered.
    static let cancelCauses: Set<String> = ["ORIGINATOR_CANCEL", "MANAGER_REQUEST", "LOSE_RACE"]

    /// How much shorter than its planned hold a call may be, ended by someone else, and
    /// still count as held: 100 ms, in ns.
    ///
    /// Enough for the clocks' granularity — FreeSWITCH's timestamps move in 20 ms steps
    /// (capture 27), so a server hold can read up to 40 ms short — and for a far end
    /// whose own timer races ours by a few ms; far below any hold a profile plans
    /// (whole seconds) and any cut worth reporting.
    public static let dropTolerance: Int64 = 100_000_000

    /// The outcome of a call that ended, from its record: ``classify(answered:cause:sipStatus:)``
    /// on the originating leg's answer, cause and SIP status, then `dropped` instead of
    /// `answered` when ``isCutShort(held:plannedHold:hangupRequested:)``.
    public static func classify(_ record: CallRecord) -> CallRecord.Outcome {
        let answered = record.answeredAt != nil || record.serverAnswered != nil
        let outcome = classify(answered: answered, cause: record.hangupCause, sipStatus: record.sipStatus)
        guard outcome == .answered,
            isCutShort(held: record.held, plannedHold: record.plannedHold, hangupRequested: record.hangupRequestedAt != nil)
        else { return outcome }
        return .dropped
    }

    /// Whether an answered call was ended by someone else before its planned hold: it
    /// had one, this run never asked for its end (no hold timer fired, no stopping
    /// run's hangup), and it was held (``CallRecord/held``) less than `plannedHold` −
    /// ``dropTolerance``. Whatever the cause — `SYSTEM_SHUTDOWN`, `NORMAL_CLEARING` from
    /// the far end, a media timeout — only who ended it and when counts. A call without
    /// a planned hold (the app or the far end ends it) or whose hold is unknown is
    /// never cut short.
    public static func isCutShort(held: Int64?, plannedHold: Int64?, hangupRequested: Bool) -> Bool {
        guard let plannedHold, let held, !hangupRequested else { return false }
        return held < plannedHold - dropTolerance
    }

    /// The outcome of a call that ended, before its hold is considered (never `dropped`).
    /// - Parameters:
    ///   - answered: CHANNEL_ANSWER was seen on the originating leg.
    ///   - cause: the originating leg's hangup cause, or the job's `-ERR` cause.
    ///   - sipStatus: the final SIP status, if FreeSWITCH reported one.
    public static func classify(answered: Bool, cause: String?, sipStatus: Int?) -> CallRecord.Outcome {
        if answered { return .answered }
        guard let cause else { return .failed }
        if noAnswerCauses.contains(cause) { return .noAnswer }
        if cancelCauses.contains(cause) { return .cancelled }
        if rejectionCauses.contains(cause) { return .rejected }
        if let sipStatus, (400...699).contains(sipStatus), ![408, 480, 487, 500, 502, 503, 504].contains(sipStatus) {
            return .rejected
        }
        return .failed
    }
}
