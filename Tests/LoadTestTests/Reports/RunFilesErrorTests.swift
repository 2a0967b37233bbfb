import Foundation
@testable import LoadTest
import Testing

/// A folder that is not a readable run gives an error naming the folder or the file,
/// and what is wrong (the line, for CSV).
@Suite struct RunFilesErrorTests {
    /// One way to break a good run folder: (description, change, file named, words of the reason).
    struct Breakage: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var reason: String
        var apply: @Sendable (URL) throws -> Void
        var testDescription: String { name }
    }

    static func replace(_ file: String, _ text: String) -> @Sendable (URL) throws -> Void {
        { folder in try text.write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8) }
    }

    static func remove(_ file: String) -> @Sendable (URL) throws -> Void {
        { folder in try FileManager.default.removeItem(at: folder.appendingPathComponent(file)) }
    }

    static func edit(_ file: String, _ change: @escaping @Sendable (String) -> String) -> @Sendable (URL) throws -> Void {
        { folder in
            let url = folder.appendingPathComponent(file)
            try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        }
    }

    static let breakages: [Breakage] = [
        // The folder is not there at all.
        .init(name: "no folder", file: "", reason: "no such run folder") { try FileManager.default.removeItem(at: $0) },
        .init(name: "no summary.json", file: "summary.json", reason: "missing", apply: remove("summary.json")),
        .init(name: "summary.json is not JSON", file: "summary.json", reason: "not valid JSON", apply: replace("summary.json", "{ nope")),
        .init(name: "summary.json is a list", file: "summary.json", reason: "not a JSON object", apply: replace("summary.json", "[1]")),
        .init(
            name: "summary.json lacks offered", file: "summary.json", reason: "\"offered\" is missing",
            apply: edit("summary.json") { $0.replacingOccurrences(of: "\"offered\"", with: "\"offered_x\"") }),
        .init(
            name: "summary.json of another schema", file: "summary.json", reason: "schema 2 is not supported",
            apply: edit("summary.json") { $0.replacingOccurrences(of: "\"schema\" : 1", with: "\"schema\" : 2") }),
        .init(name: "no calls.csv", file: "calls.csv", reason: "missing", apply: remove("calls.csv")),
        .init(name: "empty calls.csv", file: "calls.csv", reason: "empty file", apply: replace("calls.csv", "")),
        .init(
            name: "calls.csv without an outcome column", file: "calls.csv", reason: "missing column(s): outcome",
            apply: edit("calls.csv") { $0.replacingOccurrences(of: ",outcome,", with: ",result,") }),
        .init(
            name: "a short calls.csv row", file: "calls.csv", reason: "line 3: 3 fields, the header has \(CallsCSVWriter.columns.count)",
            apply: edit("calls.csv") { text in
                var lines = text.split(separator: "\n").map(String.init)
                lines[2] = "1,2,3"
                return lines.joined(separator: "\n") + "\n"
            }),
        .init(
            name: "an unknown outcome", file: "calls.csv", reason: "line 2: unknown outcome 'maybe'",
            apply: edit("calls.csv") { text in
                var lines = text.split(separator: "\n").map(String.init)
                lines[1] = lines[1].replacingOccurrences(of: ",answered,", with: ",maybe,")
                return lines.joined(separator: "\n") + "\n"
            }),
        .init(
            name: "a latency that is not a number", file: "calls.csv", reason: "line 2: answer_ms is not a number: fast",
            apply: edit("calls.csv") { text in
                var lines = text.split(separator: "\n").map(String.init)
                var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                fields[17] = "fast"
                lines[1] = fields.joined(separator: ",")
                return lines.joined(separator: "\n") + "\n"
            }),
        .init(
            name: "an unclosed quote", file: "calls.csv", reason: "a quoted field is never closed",
            apply: edit("calls.csv") { $0 + "\"unclosed,1,2\n" }),
        .init(
            name: "timeline.csv with a word for a number", file: "timeline.csv", reason: "line 2: offered is not a number: many",
            apply: replace("timeline.csv", "second,target_rate,offered,achieved_rate,blocked,answered,failed,active\n1,20,many,1,0,0,0,0\n")),
    ]

    @Test(arguments: breakages)
    func brokenFolderIsNamed(_ breakage: Breakage) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-broken-\(UUID().uuidString)")
        let run = try RunFolderFixture(
            base: base, name: "broken", runID: "run-broken", start: ReportFixtures.start, clock: ReportFixtures.clock,
            records: ReportFixtures.records(count: 20), slaves: ["10.0.0.5:8021", "10.0.0.6:8021"])
        try breakage.apply(run.directory)
        let error = #expect(throws: ReportError.self) { try RunFiles.read(run.directory) }
        let expectedPath = breakage.file.isEmpty ? run.directory.path : run.directory.appendingPathComponent(breakage.file).path
        #expect(error?.path == expectedPath)
        #expect(error?.reason.contains(breakage.reason) == true, "\(error?.reason ?? "no error")")
    }

    /// A folder without `timeline.csv` is not a run folder `switchy report` can render
    /// (the README: exit 2), rather than a report with empty charts.
    @Test func missingTimelineIsAnError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-broken-\(UUID().uuidString)")
        let run = try RunFolderFixture(
            base: base, name: "no-timeline", runID: "run-nt", start: ReportFixtures.start, clock: ReportFixtures.clock,
            records: ReportFixtures.records(count: 5), slaves: ["10.0.0.5:8021"])
        let timeline = run.directory.appendingPathComponent("timeline.csv")
        try FileManager.default.removeItem(at: timeline)
        let error = #expect(throws: ReportError.self) { try RunFiles.read(run.directory) }
        #expect(error?.path == timeline.path)
        #expect(error?.reason.hasPrefix("missing") == true, "\(error?.reason ?? "no error")")
    }

    @Test func quotedFieldsWithCommasAndQuotesReadBack() throws {
        let table = try CSVTable("a,b,c\r\n\"x, \"\"y\"\"\",\"multi\nline\",3\n\n", file: "t.csv")
        #expect(table.columns == ["a", "b", "c"])
        #expect(table.rows == [["x, \"y\"", "multi\nline", "3"]])
    }
}
