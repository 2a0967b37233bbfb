import Foundation
@testable import LoadTest
import Testing

/// `calls.csv` fields as written: RFC 4180 quoting, and neutralised against
/// spreadsheet formula injection; and read back as they were.
struct CallsCSVTests {
    @Test(arguments: [
        // A formula.
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        // A plus sign starts a formula too.
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        // FreeSWITCH's error reply, as the error column carries it.
        ("-ERR NO_ROUTE_DESTINATION", "'-ERR NO_ROUTE_DESTINATION"),
        // A minus that is not a number.
        ("-2+3", "'-2+3"),
        // An at sign.
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        // A tab before a formula.
        ("\t=1+1", "'\t=1+1"),
        // A carriage return before a formula (quoted as well: a line break).
        ("\r=1+1", "\"'\r=1+1\""),
        // The prefix itself, so one leading ' can always be dropped when reading.
        ("'quoted", "''quoted"),
        // A negative number stays a number.
        ("-1", "-1"),
        // A negative interval as the ms columns write it.
        ("-0.250", "-0.250"),
        // Ordinary text.
        ("NORMAL_CLEARING", "NORMAL_CLEARING"),
        // A slave name.
        ("10.0.0.5:8021", "10.0.0.5:8021"),
        // An operator later in the field is harmless.
        ("a=b", "a=b"),
        // A comma still means quotes, after neutralising.
        ("-ERR X, y", "\"'-ERR X, y\""),
        // Empty.
        ("", ""),
    ])
    func fieldsAreNeutralisedAndQuoted(field: String, written: String) {
        #expect(CallsCSVWriter.escape(field) == written)
    }

    @Test func theErrorColumnOfARowIsNeutralisedAndReadsBack() throws {
        let clock = WallClockMapping(monotonicStart: 0, unixMicrosecondsStart: 1_800_000_000_000_000)
        var record = CallRecord(seq: 0, callUUID: "u-1", slave: "sim-1", app: "=cmd", scheduledAt: 1_000)
        record.outcome = .failed
        record.hangupCause = "DESTINATION_OUT_OF_ORDER"
        record.error = "-ERR DESTINATION_OUT_OF_ORDER"
        let line = CallsCSVWriter.row(record, clock: clock)
        #expect(line.hasPrefix("0,u-1,sim-1,'=cmd,failed,DESTINATION_OUT_OF_ORDER,,'-ERR DESTINATION_OUT_OF_ORDER,"))
        let text = CallsCSVWriter.columns.joined(separator: ",") + "\n" + line
        let back = try CallsCSVReader(text, file: "calls.csv", clock: clock)
        #expect(back.records.first?.error == "-ERR DESTINATION_OUT_OF_ORDER")
        #expect(back.records.first?.app == "=cmd")
    }

    @Test(arguments: ["=1+1", "-ERR x, \"y\"", "'", "''", "@", "-1", "plain"])
    func everyFieldReadsBackAsWritten(field: String) throws {
        let table = try CSVTable("a,b\n\(CallsCSVWriter.escape(field)),x\n", file: "t.csv")
        #expect(table.rows == [[field, "x"]])
    }
}
