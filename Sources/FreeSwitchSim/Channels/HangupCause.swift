/// A hangup cause: its name and Q.850 number (chan.c `CAUSE_CHART`).
struct HangupCause: Sendable, Hashable, CustomStringConvertible {
    /// The name FreeSWITCH prints, e.g. `NORMAL_CLEARING`.
    let name: String
    /// Its number (`hangup_cause_q850`).
    let code: Int

    var description: String { name }

    static let chart: [(String, Int)] = [
        ("NONE", 0), ("UNALLOCATED_NUMBER", 1), ("NO_ROUTE_TRANSIT_NET", 2), ("NO_ROUTE_DESTINATION", 3),
        ("CHANNEL_UNACCEPTABLE", 6), ("CALL_AWARDED_DELIVERED", 7), ("NORMAL_CLEARING", 16), ("USER_BUSY", 17),
        ("NO_USER_RESPONSE", 18), ("NO_ANSWER", 19), ("SUBSCRIBER_ABSENT", 20), ("CALL_REJECTED", 21),
        ("NUMBER_CHANGED", 22), ("REDIRECTION_TO_NEW_DESTINATION", 23), ("EXCHANGE_ROUTING_ERROR", 25),
        ("DESTINATION_OUT_OF_ORDER", 27), ("INVALID_NUMBER_FORMAT", 28), ("FACILITY_REJECTED", 29),
        ("RESPONSE_TO_STATUS_ENQUIRY", 30), ("NORMAL_UNSPECIFIED", 31), ("NORMAL_CIRCUIT_CONGESTION", 34),
        ("NETWORK_OUT_OF_ORDER", 38), ("NORMAL_TEMPORARY_FAILURE", 41), ("SWITCH_CONGESTION", 42),
        ("ACCESS_INFO_DISCARDED", 43), ("REQUESTED_CHAN_UNAVAIL", 44), ("PRE_EMPTED", 45),
        ("FACILITY_NOT_SUBSCRIBED", 50), ("OUTGOING_CALL_BARRED", 52), ("INCOMING_CALL_BARRED", 54),
        ("BEARERCAPABILITY_NOTAUTH", 57), ("BEARERCAPABILITY_NOTAVAIL", 58), ("SERVICE_UNAVAILABLE", 63),
        ("BEARERCAPABILITY_NOTIMPL", 65), ("CHAN_NOT_IMPLEMENTED", 66), ("FACILITY_NOT_IMPLEMENTED", 69),
        ("SERVICE_NOT_IMPLEMENTED", 79), ("INVALID_CALL_REFERENCE", 81), ("INCOMPATIBLE_DESTINATION", 88),
        ("INVALID_MSG_UNSPECIFIED", 95), ("MANDATORY_IE_MISSING", 96), ("MESSAGE_TYPE_NONEXIST", 97),
        ("WRONG_MESSAGE", 98), ("IE_NONEXIST", 99), ("INVALID_IE_CONTENTS", 100), ("WRONG_CALL_STATE", 101),
        ("RECOVERY_ON_TIMER_EXPIRE", 102), ("MANDATORY_IE_LENGTH_ERROR", 103), ("PROTOCOL_ERROR", 111),
        ("INTERWORKING", 127), ("SUCCESS", 142), ("ORIGINATOR_CANCEL", 487), ("CRASH", 700),
        ("SYSTEM_SHUTDOWN", 701), ("LOSE_RACE", 702), ("MANAGER_REQUEST", 703), ("BLIND_TRANSFER", 800),
        ("ATTENDED_TRANSFER", 801), ("ALLOTTED_TIMEOUT", 802), ("USER_CHALLENGE", 803), ("MEDIA_TIMEOUT", 804),
        ("PICKED_OFF", 805), ("USER_NOT_REGISTERED", 806), ("PROGRESS_TIMEOUT", 807), ("INVALID_GATEWAY", 808),
        ("GATEWAY_DOWN", 809), ("INVALID_URL", 810), ("INVALID_PROFILE", 811), ("NO_PICKUP", 812),
        ("SRTP_READ_ERROR", 813), ("BOWOUT", 814), ("BUSY_EVERYWHERE", 815), ("DECLINE", 816),
        ("DOES_NOT_EXIST_ANYWHERE", 817), ("NOT_ACCEPTABLE", 818), ("UNWANTED", 819), ("NO_IDENTITY", 820),
        ("BAD_IDENTITY_INFO", 821), ("UNSUPPORTED_CERTIFICATE", 822), ("INVALID_IDENTITY", 823),
        ("STALE_DATE", 824), ("REJECT_ALL", 825),
    ]

    private static let byName: [String: Int] = Dictionary(chart, uniquingKeysWith: { first, _ in first })

    init(name: String, code: Int) {
        self.name = name
        self.code = code
    }

    /// A cause by exact name; nil if FreeSWITCH does not know it.
    init?(named name: String) {
        guard let code = Self.byName[name.uppercased()] else { return nil }
        self.init(name: name.uppercased(), code: code)
    }

    /// Parses as `switch_channel_str2cause` does: a name (any case) or a number;
    /// anything unknown becomes NORMAL_CLEARING.
    static func parse(_ text: String) -> HangupCause {
        if let number = Int(text), let entry = chart.first(where: { $0.1 == number }) {
            return HangupCause(name: entry.0, code: entry.1)
        }
        return HangupCause(named: text) ?? .normalClearing
    }

    static let normalClearing = HangupCause(name: "NORMAL_CLEARING", code: 16)
    static let userBusy = HangupCause(name: "USER_BUSY", code: 17)
    static let noAnswer = HangupCause(name: "NO_ANSWER", code: 19)
    static let noRouteDestination = HangupCause(name: "NO_ROUTE_DESTINATION", code: 3)
    static let destinationOutOfOrder = HangupCause(name: "DESTINATION_OUT_OF_ORDER", code: 27)
    static let normalTemporaryFailure = HangupCause(name: "NORMAL_TEMPORARY_FAILURE", code: 41)
    static let managerRequest = HangupCause(name: "MANAGER_REQUEST", code: 703)
    static let allottedTimeout = HangupCause(name: "ALLOTTED_TIMEOUT", code: 802)
    static let invalidProfile = HangupCause(name: "INVALID_PROFILE", code: 811)
    static let invalidGateway = HangupCause(name: "INVALID_GATEWAY", code: 808)
    static let invalidURL = HangupCause(name: "INVALID_URL", code: 810)
    static let userNotRegistered = HangupCause(name: "USER_NOT_REGISTERED", code: 806)
    static let callRejected = HangupCause(name: "CALL_REJECTED", code: 21)
}
