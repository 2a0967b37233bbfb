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
    func run(_ name: String, rate: Int) async throws -> URL {
        let profile = folder.appendingPathComponent("\(name).json5")
        try """
            { name: '\(name)', slaves: [{ sim: { answer_delay: 0.05 } }], call: { dest: "echo@{sip}" },
              load: { rate: \(rate), limit: 50, duration: 1, run_time: 1 } }
            """.write(to: profile, atomically: true, encoding: .utf8)
        let results = folder.appendingPathComponent("results-\(name)")
        let result = try await CLIRunner.run(["run", profile.path, "--out", results.path, "--quiet"])
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

    @Test func rerendersOneRun() async throws {
        let source = try await run("solo", rate: 10)
        let out = folder.appendingPathComponent("out")
        let result = try await CLIRunner.run(["report", source.path, "--out", out.path])
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
        // The same numbers as the run: its timeline (the per-second figures recomputed
        // from calls.csv, bucketed as the run did) and its rates.
        #expect(
            try String(contentsOf: out.appendingPathComponent("timeline.csv"), encoding: .utf8)
                == String(contentsOf: source.appendingPathComponent("timeline.csv"), encoding: .utf8))
        for key in ["target_rate", "achieved_rate", "offering_s", "timeline_start_us", "asr"] {
            let value = try #require(before[key] as? NSNumber, "\(key)")
            #expect(after[key] as? NSNumber == value, "\(key)")
        }
    }

    /// `timeline.csv` counts each answer in the second it happened (not when the call
    /// ended), shows the calls up at the end of each second, and buckets by
    /// `timeline_start_us`: second n holds what calls.csv times in (n − 1, n] s after it.
    @Test func timelineCountsAnswersWhenTheyHappen() async throws {
        let source = try await run("answers", rate: 10)
        let start = try #require(try summary(source)["timeline_start_us"] as? Int)
        let lines = try String(contentsOf: source.appendingPathComponent("calls.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let calls = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let timeline = try String(contentsOf: source.appendingPathComponent("timeline.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let columns = try #require(timeline.first)
        // The run's own rows (`slave` = `all`); each slave's health rows follow them.
        let rows = timeline.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }.filter { $0["slave"] == "all" }
        func second(_ time: String?) -> Int? {
            guard let time, let us = Int(time) else { return nil }
            return us - start <= 0 ? 1 : (us - start + 999_999) / 1_000_000
        }
        let answeredCalls = calls.filter { !($0["answered_at"] ?? "").isEmpty }
        #expect(!answeredCalls.isEmpty)
        var sawUp = false
        for row in rows {
            let n = try #require(Int(row["second"] ?? ""))
            let answered = answeredCalls.filter { second($0["answered_at"]) == n }.count
            let up = answeredCalls.filter { call in
                (second(call["answered_at"]) ?? .max) <= n && (second(call["hangup_at"]) ?? n) > n
            }.count
            #expect(row["answered"] == String(answered), "second \(n)")
            #expect(row["calls_up"] == String(up), "second \(n)")
            #expect(row["offered"] == String(calls.filter { second($0["sent_at"]) == n }.count), "second \(n)")
            sawUp = sawUp || up > 0
        }
        #expect(sawUp, "calls held 1 s are up at the end of some second")
        #expect(rows.map { Int($0["answered"] ?? "") ?? 0 }.reduce(0, +) == answeredCalls.count)
    }

    @Test func folderWithoutTimelineIsRefused() async throws {
        let source = try await run("no-timeline", rate: 5)
        let timeline = source.appendingPathComponent("timeline.csv")
        try FileManager.default.removeItem(at: timeline)
        let result = try await CLIRunner.run(["report", source.path, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(timeline.path): missing"), "\(result.stderr)")
    }

    @Test func mergesTwoRuns() async throws {
        // Two generator hosts, started together (the runner may still start them apart).
        async let first = run("host-a", rate: 10)
        async let second = run("host-b", rate: 6)
        let (a, b) = try await (first, second)
        let out = folder.appendingPathComponent("merged")
        let result = try await CLIRunner.run(["report", a.path, b.path, "--out", out.path])
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
        // Warned about exactly when the two runs did not overlap in time.
        let spans = try [sa, sb].map { summary in
            try (#require(summary["started_at"] as? String), #require(summary["ended_at"] as? String))
        }
        let apart = spans[0].1 <= spans[1].0 || spans[1].1 <= spans[0].0
        #expect(result.stderr.contains("overlap no other run in time") == apart, "\(spans): \(result.stderr)")
        let twice = try await CLIRunner.run(["report", a.path, b.path, a.path, "--out", folder.appendingPathComponent("twice").path])
        #expect(twice.status == 2 && twice.stderr.contains("the same run as"), "\(twice.stderr)")
        let badAlign = try await CLIRunner.run(["report", a.path, b.path, "--align", "left"])
        #expect(badAlign.status == 2 && badAlign.stderr.contains("--align expects wall-clock or start"))
    }

    @Test func missingFolderIsNamed() async throws {
        let missing = folder.appendingPathComponent("nope").path
        let result = try await CLIRunner.run(["report", missing, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(missing): no such run folder"))
    }

    @Test func brokenFileIsNamed() async throws {
        let broken = folder.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try "{ \"name\": 1 }".write(to: broken.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["report", broken.path, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(broken.appendingPathComponent("summary.json").path + ": field \"name\""))
    }

    @Test(arguments: [[], ["--out"], ["a", "--bogus"]])
    func badUsageExitsTwo(_ arguments: [String]) async throws {
        let result = try await CLIRunner.run(["report"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("switchy report --help"))
    }

    @Test func helpExitsZero() async throws {
        let result = try await CLIRunner.run(["report", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: switchy report"))
    }
}
