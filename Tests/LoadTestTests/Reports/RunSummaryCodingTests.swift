import Foundation
@testable import LoadTest
import Testing

/// `RunSummary` decodes the `summary.json` it encodes, fills what older files lack, and
/// names the field that is wrong.
@Suite struct RunSummaryCodingTests {
    static func decode(_ json: String) throws(ReportError) -> RunSummary {
        try RunSummary.read(Data(json.utf8), file: "summary.json")
    }

    @Test func theGoldenSummaryReadsBackAsWritten() throws {
        let data = try Data(contentsOf: GoldenFile.folder.appendingPathComponent("run-summary.json"))
        let summary = try RunSummary.read(data, file: "run-summary.json")
        #expect(summary.name == "golden" && summary.runID == "run-gold")
        #expect(summary.offered == 24 && summary.blocked == 2 && summary.answered == 18)
        #expect(summary.asr == 0.75)
        #expect(summary.latencyMs["answer_ms"]?.count == 18)
        // Encoding what was read gives the file's object back (but the profile, which the
        // report adds beside the summary's own keys).
        let again = try JSONSerialization.jsonObject(with: try ReportJSON.encoder().encode(summary)) as? [String: Any]
        var file = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(file?.removeValue(forKey: "profile") != nil)
        #expect(again.map(NSDictionary.init(dictionary:)) == file.map(NSDictionary.init(dictionary:)))
    }

    @Test func anOlderSummaryGetsTheFieldsItLacks() throws {
        let summary = try Self.decode(
            #"{ "name": "old", "run_id": "r", "started_at": "2027-01-15T08:00:00.250Z", "ended_at": "2027-01-15T08:00:10.250Z", "offered": 30, "blocked": 10 }"#
        )
        #expect(summary.durationSeconds == 10 && summary.offeringSeconds == 10)
        #expect(summary.callRows == 30 && summary.targetRate == 4 && summary.achievedRate == 3)
        #expect(summary.generator == RunSummary.Generator() && summary.thresholds.isEmpty && summary.passed)
    }

    @Test(arguments: [
        // A required field missing.
        (#"{ "name": "x", "run_id": "r", "started_at": "2027-01-15T08:00:00Z", "ended_at": "2027-01-15T08:00:01Z" }"#,
         #"field "offered" is missing"#),
        // A field of the wrong type.
        (#"{ "name": 1 }"#, #"field "name" is missing or not a string"#),
        // A time that is not ISO 8601.
        (#"{ "name": "x", "run_id": "r", "started_at": "yesterday" }"#, #"field "started_at" is not an ISO 8601 time: yesterday"#),
        // A nested field, named by its path.
        (#"{ "name": "x", "run_id": "r", "started_at": "2027-01-15T08:00:00Z", "ended_at": "2027-01-15T08:00:01Z", "offered": 1, "slaves": { "a": { "outcomes": {}, "events": 3 } } }"#,
         #"field "slaves.a.events" is missing or not a list"#),
        // Another schema.
        (#"{ "schema": 2 }"#, "schema 2 is not supported (this switchy reads schema 1)"),
    ])
    func aBrokenSummaryNamesTheField(json: String, reason: String) {
        let error = #expect(throws: ReportError.self) { try Self.decode(json) }
        #expect(error?.path == "summary.json")
        #expect(error?.reason == reason)
    }

    /// ASR is answered / offered: every call made counts, whatever its outcome.
    @Test func answerSeizureRatioIsAnsweredOverOffered() {
        #expect(RunSummary.answerSeizureRatio(answered: 18, offered: 24) == 0.75)
        #expect(RunSummary.answerSeizureRatio(answered: 0, offered: 0) == nil)
    }
}
