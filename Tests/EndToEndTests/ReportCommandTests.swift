import Foundation
import TestSupport
import Testing

/// `switchy report` as a user runs it: on folders `switchy run` wrote, on a merge of two,
/// and on folders that are missing or broken.
@Suite(.timeLimit(.minutes(3))) struct ReportCommandTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs a short scenario named `name` and returns its run folder.
    func run(_ name: String, rate: Int) throws -> URL {
        let profile = folder.appendingPathComponent("\(name).json5")
        try """
            { name: '\(name)', slaves: [{ sim: { answer_delay: 0.05 } }], call: { dest: "echo@{sip}" },
              load: { rate: \(rate), limit: 50, duration: 1, run_time: 1 } }
            """.write(to: profile, atomically: true, encoding: .utf8)
        let results = folder.appendingPathComponent("results-\(name)")
        let result = try CLIRunner.run(["run", profile.path, "--out", results.path, "--quiet"])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try FileManager.default.contentsOfDirectory(at: results, includingPropertiesForKeys: nil).first)
    }

    func summary(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func rows(_ folder: URL) throws -> Int {
        try String(contentsOf: folder.appendingPathComponent("calls.csv"), encoding: .utf8).split(separator: "\n").count - 1
    }

    @Test func rerendersOneRun() throws {
        let source = try run("solo", rate: 10)
        let out = folder.appendingPathComponent("out")
        let result = try CLIRunner.run(["report", source.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == out.appendingPathComponent("report.html").path + "\n")
        for name in ["calls.csv", "timeline.csv", "summary.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let before = try summary(source), after = try summary(out)
        #expect(after["offered"] as? Int == before["offered"] as? Int)
        #expect(after["outcomes"] as? [String: Int] == before["outcomes"] as? [String: Int])
        #expect(
            (after["latency_ms"] as? [String: Any])?["answer_ms"] as? [String: Double]
                == (before["latency_ms"] as? [String: Any])?["answer_ms"] as? [String: Double],
            "percentiles from the rebuilt histogram are the run's own")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("solo") && !html.contains("<script"))
    }

    @Test func mergesTwoRuns() throws {
        let (a, b) = (try run("host-a", rate: 10), try run("host-b", rate: 6))
        let out = folder.appendingPathComponent("merged")
        let result = try CLIRunner.run(["report", a.path, b.path, "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("2 run(s)"))
        let (sa, sb, merged) = (try summary(a), try summary(b), try summary(out))
        let offered = try #require(sa["offered"] as? Int) + #require(sb["offered"] as? Int)
        #expect(merged["offered"] as? Int == offered)
        #expect(try rows(out) == offered, "calls.csv is both runs' rows")
        #expect(try rows(out) == rows(a) + rows(b))
        let answered = try #require(sa["answered"] as? Int) + #require(sb["answered"] as? Int)
        #expect(merged["answered"] as? Int == answered)
        #expect((merged["latency_ms"] as? [String: [String: Any]])?["answer_ms"]?["count"] as? Int == answered)
        #expect((merged["merged_from"] as? [Any])?.count == 2)
    }

    @Test func missingFolderIsNamed() throws {
        let missing = folder.appendingPathComponent("nope").path
        let result = try CLIRunner.run(["report", missing, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(missing): no such run folder"))
    }

    @Test func brokenFileIsNamed() throws {
        let broken = folder.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{ \"name\": 1 }".write(to: broken.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["report", broken.path, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(broken.appendingPathComponent("summary.json").path + ": field \"name\""))
    }

    @Test(arguments: [[], ["--out"], ["a", "--bogus"]])
    func badUsageExitsTwo(_ arguments: [String]) throws {
        let result = try CLIRunner.run(["report"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("switchy report --help"))
    }

    @Test func helpExitsZero() throws {
        let result = try CLIRunner.run(["report", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: switchy report"))
    }
}
