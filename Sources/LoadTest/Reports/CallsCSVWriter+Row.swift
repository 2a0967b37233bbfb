import Foundation

extension CallsCSVWriter {
    /// One CSV line for a record.
    public static func row(_ r: CallRecord, clock: WallClockMapping) -> String {
        let fields: [String] = [
            String(r.seq), r.callUUID, r.slave, r.app ?? "", r.outcome.rawValue, r.hangupCause ?? "",
            r.sipStatus.map(String.init) ?? "", r.error ?? "",
            time(r.scheduledAt, clock), time(r.sentAt, clock), time(r.createdAt, clock), time(r.progressAt, clock),
            time(r.answeredAt, clock), time(r.jobDoneAt, clock), time(r.hangupAt, clock),
            ms(r.scheduleLagMs), ms(r.pddMs), ms(r.answerMs), ms(r.setupMsFromSchedule), ms(r.originateMs),
            ms(r.holdMs), ms(r.serverPddMs), ms(r.serverAnswerMs), ms(r.serverHoldMs),
            ms(r.plannedHold.map { Double($0) / 1_000_000 }), ms(r.holdDriftMs), ms(r.sendQueueMs),
            r.media.rawValue, r.rtpInPackets.map(String.init) ?? "", mos(r.mos),
            ms(r.rtpLossPct), ms(r.jitterMs), r.farRTPInPackets.map(String.init) ?? "", mos(r.farMOS),
            r.step.map(String.init) ?? "",
        ]
        return fields.map(escape).joined(separator: ",") + "\n"
    }

    private static func time(_ monotonic: Int64?, _ clock: WallClockMapping) -> String {
        monotonic.map { String(clock.unixMicroseconds(monotonic: $0)) } ?? ""
    }

    private static func mos(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? ""
    }

    private static func ms(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.3f", value)
    }

    /// One field as written: neutralised (``neutralise(_:)``), then quoted as RFC 4180
    /// asks when it holds a comma, a quote or a line break.
    static func escape(_ field: String) -> String {
        let field = neutralise(field)
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`,
    /// and tab or carriage return before one), plus `'`, the prefix itself.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n", "'"]

    /// Guards against spreadsheet formula injection (OWASP "CSV injection"): a field
    /// starting with one of ``formulaStarts`` gets a leading `'`, which spreadsheets
    /// take as "text" and do not show. A FreeSWITCH reply such as `-ERR NO_ROUTE` comes
    /// out as `'-ERR NO_ROUTE`. A plain number (`-1`, `-0.250`) is kept as it is: a
    /// spreadsheet reads it as the number it is. A field that starts with `'` gets one
    /// too, so ``CSVTable`` can drop exactly one leading `'` when reading back.
    static func neutralise(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first), !isPlainNumber(field) else { return field }
        return "'" + field
    }

    /// `-?digits(.digits)?`: what a spreadsheet reads as a number, never a formula.
    private static func isPlainNumber(_ field: String) -> Bool {
        let body = field.hasPrefix("-") ? field.dropFirst() : Substring(field)
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
