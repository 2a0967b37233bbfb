import Foundation
@testable import LoadTest
import Testing

/// A run's folder removed while `calls.csv` streams into it: every report, every row
/// included, goes to the fallback folder at the end — nothing is lost silently.
@Suite struct RunReportFallbackTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-fallback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    }

    func progress(_ second: Int, offered: Int) -> LoadRun.Progress {
        LoadRun.Progress(
            elapsed: Double(second), targetRate: 20, offered: offered, blocked: 0, inFlight: 0,
            outcomes: [.answered: offered], offering: true)
    }

    func result(offered: Int) -> LoadRun.Result {
        LoadRun.Result(
            startedAt: ReportFixtures.start, endedAt: ReportFixtures.start.addingTimeInterval(3),
            clockStart: ReportFixtures.clock.monotonicStart, offered: offered, blocked: 0,
            outcomes: [.answered: offered], interrupted: false, slaveEvents: [:], slaveStatus: [:], heartbeats: [:],
            warnings: [], offeringSeconds: 3)
    }

    let plan = RunPlan(
        name: "gone", runID: "run-gone",
        slaves: [RunPlan.Slave(name: "sim-1", host: "127.0.0.1", port: 8021, password: "x", call: .init(dest: "echo"))],
        pacer: Pacer(curve: .constant(20), endTime: 3))

    func answered(_ count: Int) -> [CallRecord] {
        ReportFixtures.records(count: count * 2).filter { $0.outcome == .answered }.prefix(count).map { $0 }
    }

    /// A second of the run as the record queue delivers it: the snapshot, then a flush.
    func tick(_ report: RunReport, _ snapshot: LoadRun.Progress) {
        report.progress(snapshot)
        report.flush()
    }

    @Test func aFolderRemovedMidRunGoesToTheFallbackWithEveryRow() throws {
        let report = try RunReport(base: base.appendingPathComponent("results").path, name: "gone", start: ReportFixtures.start, clock: ReportFixtures.clock)
        let records = answered(30)
        for record in records.prefix(10) { report.add(record) }
        tick(report, progress(1, offered: 10))  // the first 10 rows are in the file now
        #expect(report.newFolderProblem() == nil)
        try FileManager.default.removeItem(at: base.appendingPathComponent("results"))
        for record in records.dropFirst(10).prefix(10) { report.add(record) }
        tick(report, progress(2, offered: 20))  // written to the removed file
        let problem = try #require(report.newFolderProblem())
        #expect(problem.contains("was removed during the run"))
        #expect(report.newFolderProblem() == nil, "reported once")
        for record in records.dropFirst(20) { report.add(record) }  // still in memory

        let fallback = base.appendingPathComponent("fallback")
        let summary = try report.finish(result: result(offered: 30), plan: plan, profile: nil, thresholds: [], fallbackBase: fallback)
        let folder = fallback.appendingPathComponent(report.directory.lastPathComponent)
        #expect(report.writtenTo.path == folder.path)
        #expect(report.fallbackReason?.contains("was removed during the run") == true)
        #expect(summary.warnings.contains { $0.hasPrefix("reports written to \(folder.path)") })
        let back = try RunFiles.read(folder)
        #expect(back.records.map(\.callUUID) == records.map(\.callUUID), "every row, once, in order")
        for name in ["calls.csv", "timeline.csv", "summary.json", "junit.xml", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: report.directory.path), "the removed folder is not recreated")
    }

    @Test func anIntactFolderNeedsNoFallback() throws {
        let report = try RunReport(base: base.path, name: "kept", start: ReportFixtures.start, clock: ReportFixtures.clock)
        for record in answered(5) { report.add(record) }
        tick(report, progress(1, offered: 5))
        let fallback = base.appendingPathComponent("fallback")
        try report.finish(result: result(offered: 5), plan: plan, profile: nil, thresholds: [], fallbackBase: fallback)
        #expect(report.writtenTo.path == report.directory.path && report.fallbackReason == nil)
        #expect(!FileManager.default.fileExists(atPath: fallback.path))
        #expect(try RunFiles.read(report.directory).records.count == 5)
    }

    @Test func aReportThatCannotBeWrittenAtTheEndGoesToTheFallback() throws {
        let report = try RunReport(base: base.path, name: "blocked", start: ReportFixtures.start, clock: ReportFixtures.clock)
        for record in answered(5) { report.add(record) }
        tick(report, progress(1, offered: 5))
        // The folder and calls.csv are in place, but timeline.csv cannot be written.
        try FileManager.default.createDirectory(
            at: report.directory.appendingPathComponent("timeline.csv"), withIntermediateDirectories: false)
        #expect(report.newFolderProblem() == nil)
        let fallback = base.appendingPathComponent("fallback")
        let summary = try report.finish(result: result(offered: 5), plan: plan, profile: nil, thresholds: [], fallbackBase: fallback)
        #expect(report.writtenTo.path == fallback.appendingPathComponent(report.directory.lastPathComponent).path)
        #expect(report.fallbackReason?.contains("timeline.csv") == true, "\(report.fallbackReason ?? "")")
        #expect(summary.warnings.count == 1)
        #expect(try RunFiles.read(report.writtenTo).records.count == 5)
    }

    @Test func withoutAFallbackTheErrorNamesTheFolder() throws {
        let report = try RunReport(base: base.path, name: "nofb", start: ReportFixtures.start, clock: ReportFixtures.clock)
        try FileManager.default.removeItem(at: report.directory)
        #expect {
            try report.finish(result: result(offered: 0), plan: plan, profile: nil, thresholds: [])
        } throws: { error in
            (error as? ReportError)?.path == report.directory.path
        }
    }
}
