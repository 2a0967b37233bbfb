import Foundation
@testable import LoadTest
import Testing

/// `switchy report` over the segments of one scenario: one group, complete, each once —
/// else a message naming what is wrong; merged, it says so and keeps the group.
@Suite struct RunFilesSegmentsTests {
    let run: RunFiles

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-segments-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let fixture = try RunFolderFixture(
            base: base, name: "seg", runID: "run-0", start: ReportFixtures.start, clock: ReportFixtures.clock,
            records: ReportFixtures.records(count: 12), slaves: ["10.0.0.5:8021"])
        run = try RunFiles.read(fixture.directory)
    }

    /// The fixture's run as segment `text` of `group`, with its own run id and folder.
    func segment(_ text: String, group: String? = "g-1", runID: String? = nil) throws -> RunFiles {
        var copy = run
        copy.summary.segment = try ExecutionSegment(parsing: text)
        copy.summary.runGroup = group
        copy.summary.runID = runID ?? "run-\(text.replacingOccurrences(of: "/", with: "of"))"
        copy.sources = [URL(fileURLWithPath: "/r/\(copy.summary.runID)")]
        return copy
    }

    @Test func aCompleteGroupMerges() throws {
        let runs = try ["2/3", "3/3", "1/3"].map { try segment($0) }
        #expect(RunFiles.mergeProblem(runs) == nil)
        let merged = RunFiles.merge(runs)
        #expect(merged.summary.notes.contains("merged 3 segments of run group g-1"))
        #expect(merged.summary.runGroup == "g-1" && merged.summary.segment == nil)
        #expect(merged.summary.offered == 3 * run.summary.offered)
    }

    @Test(arguments: [
        // one missing
        (["1/3", "3/3"], "/r/run-1of3: run group g-1 has 3 segments; missing 2/3 (given: 1/3, 3/3)"),
        // several missing
        (["2/5", "4/5"], "/r/run-2of5: run group g-1 has 5 segments; missing 1/5, 3/5, 5/5 (given: 2/5, 4/5)"),
    ])
    func missingSegmentsAreNamed(texts: [String], message: String) throws {
        let problem = try #require(RunFiles.mergeProblem(try texts.map { try segment($0) }))
        #expect("\(problem)" == message)
    }

    @Test func aSegmentTwiceIsNamed() throws {
        let runs = [try segment("1/2"), try segment("2/2"), try segment("1/2", runID: "run-again")]
        let problem = try #require(RunFiles.mergeProblem(runs))
        #expect(problem.path == "/r/run-again")
        #expect(problem.reason.contains("segment 1/2 of run group g-1 again (also /r/run-1of2, run run-1of2)"))
    }

    @Test func anotherGroupIsNamed() throws {
        let otherGroup = [try segment("1/2"), try segment("2/2", group: "g-2")]
        let problem = try #require(RunFiles.mergeProblem(otherGroup))
        #expect(problem.path == "/r/run-2of2" && problem.reason.contains("run group g-2, from another group than /r/run-1of2"))
        let otherCount = [try segment("1/2"), try segment("2/3")]
        #expect(try #require(RunFiles.mergeProblem(otherCount)).reason.contains("segment 2/3 of run group g-1, from another group"))
        var whole = run
        whole.sources = [URL(fileURLWithPath: "/r/whole")]
        let mixed = try #require(RunFiles.mergeProblem([try segment("1/2"), try segment("2/2"), whole]))
        #expect(mixed.path == "/r/whole" && mixed.reason.hasPrefix("a whole run (no segment)"))
    }

    /// One segment alone is re-rendered, not refused; whole runs merge as before.
    @Test func oneSegmentOrWholeRunsAreNotChecked() throws {
        #expect(RunFiles.mergeProblem([try segment("2/4")]) == nil)
        var other = run
        other.summary.runID = "run-other"
        #expect(RunFiles.mergeProblem([run, other]) == nil)
    }

    /// summary.json keeps `segment` and `run_group` through a write and a read.
    @Test func summaryKeepsSegmentAndGroup() throws {
        let copy = try segment("2/3")
        let data = try ReportJSON.encoder().encode(copy.summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["segment"] as? [String: Int] == ["index": 2, "count": 3])
        #expect(object["run_group"] as? String == "g-1")
        let back = try RunSummary.read(data, file: "summary.json")
        #expect(back.segment == copy.summary.segment && back.runGroup == "g-1")
        let whole = try #require(try JSONSerialization.jsonObject(with: try ReportJSON.encoder().encode(run.summary)) as? [String: Any])
        #expect(whole["segment"] == nil && whole["run_group"] == nil, "absent for a whole run")
        let bad = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"index\" : 2", with: "\"index\" : 4")
        #expect(throws: ReportError.self) { try RunSummary.read(Data(bad.utf8), file: "summary.json") }
    }
    static func step(
        _ index: Int, offered: Int, answered: Int, verdict: SearchSummary.Verdict, p95: Double, rule: String? = nil
    ) -> SearchSummary.Step {
        SearchSummary.Step(
            step: index, rate: Double(10 * (index + 1)), offered: offered, blocked: 0, answered: answered, dropped: 0,
            stillUp: 0, asr: Double(answered) / Double(offered), answerP95Ms: p95, scheduleLagP99Ms: 1,
            slaveIdleCPUMin: 90 - Double(index), verdict: verdict, brokenRule: rule, message: rule.map { "\($0) held" },
            judgedAtSecond: Double(2 * index + 2))
    }

    /// The segments' searches merged: counts add, a step fails when one segment's did
    /// (naming it), and the answer is the highest step every segment held.
    @Test func searchesOfTheSegmentsMerge() throws {
        let first = SearchSummary(
            steps: [Self.step(0, offered: 10, answered: 10, verdict: .passed, p95: 40),
                    Self.step(1, offered: 20, answered: 20, verdict: .passed, p95: 60)], stopReason: nil)
        let second = SearchSummary(
            steps: [Self.step(0, offered: 10, answered: 10, verdict: .passed, p95: 50),
                    Self.step(1, offered: 20, answered: 18, verdict: .failed, p95: 900, rule: "asr < 1")],
            stopReason: "step 1 broke")
        let merged = SearchSummary.merged([
            (try ExecutionSegment(index: 1, count: 2), first), (try ExecutionSegment(index: 2, count: 2), second),
        ])
        #expect(merged.steps.map(\.offered) == [20, 40] && merged.steps.map(\.answered) == [20, 38])
        #expect(merged.steps.map(\.verdict) == [.passed, .failed])
        #expect(merged.steps[1].asr == 0.95 && merged.steps[1].answerP95Ms == 900 && merged.steps[1].slaveIdleCPUMin == 89)
        #expect(merged.steps[1].brokenRule == "asr < 1" && merged.steps[1].message == "segment 2/2: asr < 1 held")
        #expect(merged.maxSustainedCps == 10 && merged.brokenRule == "asr < 1")
        #expect(merged.stopReason == "segment 2/2: step 1 broke")
        // A step one segment never reached is not judged as passed.
        let short = SearchSummary(steps: [Self.step(0, offered: 10, answered: 10, verdict: .passed, p95: 40)], stopReason: nil)
        let uneven = SearchSummary.merged([
            (try ExecutionSegment(index: 1, count: 2), first), (try ExecutionSegment(index: 2, count: 2), short),
        ])
        #expect(uneven.steps.map(\.verdict) == [.passed, .unjudged] && uneven.maxSustainedCps == 10)
    }
}
