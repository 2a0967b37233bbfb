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

    /// The outcome of a call that ended.
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
