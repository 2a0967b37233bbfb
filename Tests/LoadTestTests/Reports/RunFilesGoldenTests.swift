import Foundation
@testable import LoadTest
import Testing

/// The files `switchy run` writes, from fixed records, against golden copies
/// (`Tests/LoadTestTests/Golden/run-*`; re-record with `SWITCHY_RECORD_GOLDEN=1` and
/// review the diff, never edit them by hand).
@Suite struct RunFilesGoldenTests {
    @Test func callsTimelineSummaryAndJUnit() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-golden-\(UUID().uuidString)")
        let run = try RunFolderFixture(
            base: base, name: "golden", runID: "run-gold", start: ReportFixtures.start, clock: ReportFixtures.clock,
            records: ReportFixtures.records(count: 24), slaves: ["10.0.0.5:8021", "10.0.0.6:8021"], blocked: 2)
        for name in ["calls.csv", "timeline.csv"] {
            try GoldenFile.check(
                try String(contentsOf: run.directory.appendingPathComponent(name), encoding: .utf8), named: "run-\(name)")
        }
        try GoldenFile.check(
            try String(contentsOf: run.directory.appendingPathComponent("summary.json"), encoding: .utf8),
            named: "run-summary.json")
        let verdicts = [
            try Threshold("asr >= 0.5").evaluate(MetricSource(summary: run.summary)),
            try Threshold("answer_ms.p99 < 1").evaluate(MetricSource(summary: run.summary)),
        ]
        try GoldenFile.check(
            JUnitReport.render(name: "golden", runID: "run-gold", durationSeconds: 3, verdicts: verdicts),
            named: "run-junit.xml")
        // The run's own junit.xml: judged by the default rules (it has no thresholds),
        // with its figures as properties.
        try GoldenFile.check(
            try String(contentsOf: run.directory.appendingPathComponent("junit.xml"), encoding: .utf8),
            named: "run-junit-defaults.xml")
    }
}
