import Foundation
import TestSupport
import Testing

/// One scenario from three `switchy run` processes (`--segment 1/3` … `3/3`, one
/// `--start-at`), merged with `switchy report`, against the same scenario run whole by
/// one process (issue 17 §1's test).
@Suite(.timeLimit(.minutes(3))) struct SegmentRunTests {
    /// A ramp from 3 to 21 calls/s over 3 s: ∫ = 3t + 3t², so 6, 12 and 18 calls in
    /// its seconds (36 in all), each a whole multiple of 3 — every segment's target,
    /// written to the 0.01 in timeline.csv, is exact, and so is their sum.
    static let profile = """
        { name: 'segmented', slaves: [{ sim: { answer_delay: 0.05, sps: 500 } }], call: { dest: 'echo@{sip}' },
          load: { ramp: { from: 3, to: 21, over: 3 }, run_time: 3, limit: 30, duration: 1 } }
        """

    @Test func threeSegmentsMergedAreTheWholeRun() async throws {
        let scenario = try RunScenario(Self.profile)
        let start = RFC3339Text.seconds(from: Date().addingTimeInterval(5))
        // Started together, outside the CLI runner's three slots (all three must be up
        // before the start), each with its own results folder, as hosts would be.
        let segments = try (1...3).map { index in
            try CLIRunner.start([
                "run", scenario.profile.path, "--out", scenario.folder.appendingPathComponent("s\(index)").path, "--quiet",
                "--segment", "\(index)/3", "--start-at", start,
            ])
        }
        let whole = try await scenario.run()
        var results: [CLIRunner.Result] = []
        for segment in segments { results.append(await segment.finished()) }
        #expect(whole.status == 0, "\(whole.stderr)")
        for result in results { #expect(result.status == 0, "\(result.stderr)") }

        let (wholeSummary, wholeRows) = try scenario.reports()
        #expect(wholeSummary["offered"] as? Int == 36 && wholeSummary["segment"] == nil && wholeSummary["run_group"] == nil)
        var folders: [URL] = []
        var groups: Set<String> = []
        var runIDs: Set<String> = []
        var offsets: [(offset: Int64, segment: Int)] = []
        for index in 1...3 {
            let base = scenario.folder.appendingPathComponent("s\(index)")
            let (summary, rows) = try scenario.reports(under: base)
            folders.append(try scenario.runFolder(under: base))
            #expect(summary["segment"] as? [String: Int] == ["index": index, "count": 3])
            #expect(summary["offered"] as? Int == 12, "segment \(index)/3: every third call of 36")
            groups.insert(try #require(summary["run_group"] as? String))
            runIDs.insert(try #require(summary["run_id"] as? String))
            offsets += try Self.dueOffsets(summary, rows).map { ($0, index) }
        }
        #expect(groups.count == 1 && groups.first?.hasPrefix("segmented-") == true, "one group, derived alike: \(groups)")
        #expect(runIDs.count == 3, "each segment its own run id")

        // Due times, from each run's own start: the segments' together are the whole
        // run's, each once (to the µs the files keep), and interleave 1, 2, 3, 1, 2, 3 …
        offsets.sort { $0.offset < $1.offset }
        let wholeOffsets = try Self.dueOffsets(wholeSummary, wholeRows).sorted()
        #expect(offsets.count == wholeOffsets.count)
        for (segment, whole) in zip(offsets, wholeOffsets) {
            #expect(abs(segment.offset - whole) <= 2, "due at \(segment.offset) µs in a segment, \(whole) µs in the whole run")
        }
        #expect(offsets.map(\.segment) == (0..<36).map { $0 % 3 + 1 }, "interleaved, not blocks")

        let merged = scenario.folder.appendingPathComponent("merged")
        let report = try await CLIRunner.run(["report"] + folders.map(\.path) + ["--out", merged.path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("3 segments of run group \(groups.first ?? "")"), "\(report.stderr)")
        let mergedSummary = try Self.json(merged.appendingPathComponent("summary.json"))
        #expect(mergedSummary["offered"] as? Int == wholeSummary["offered"] as? Int)
        #expect(mergedSummary["run_group"] as? String == groups.first)
        #expect((mergedSummary["notes"] as? [String])?.contains("merged 3 segments of run group \(groups.first ?? "")") == true)
        // The per-second target: the three segments' rows add up to the whole run's.
        let mergedTarget = try Self.targets(merged.appendingPathComponent("timeline.csv"))
        let wholeTarget = try Self.targets(try scenario.runFolder().appendingPathComponent("timeline.csv"))
        #expect(wholeTarget[1] == 6 && wholeTarget[2] == 12 && wholeTarget[3] == 18)
        for second in Set(mergedTarget.keys).union(wholeTarget.keys).sorted() {
            #expect(mergedTarget[second, default: 0] == wholeTarget[second, default: 0], "target_rate of second \(second)")
        }

        // An incomplete group is refused, naming what is missing.
        let partial = try await CLIRunner.run(["report", folders[0].path, folders[2].path, "--out", merged.path + "-2"])
        #expect(partial.status == 2 && partial.stderr.contains("missing 2/3"), "\(partial.stderr)")
    }

    /// Each call's due time (`scheduled_at`), µs from its run's start of offering.
    static func dueOffsets(_ summary: [String: Any], _ rows: [[String: String]]) throws -> [Int64] {
        let start = try #require((summary["timeline_start_us"] as? NSNumber)?.int64Value)
        return try rows.map { try #require($0["scheduled_at"].flatMap { Int64($0) }) - start }
    }

    /// `target_rate` of each second's `all` row.
    static func targets(_ file: URL) throws -> [Int: Double] {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = try #require(lines.first).map(String.init)
        let second = try #require(header.firstIndex(of: "second"))
        let slave = try #require(header.firstIndex(of: "slave"))
        let target = try #require(header.firstIndex(of: "target_rate"))
        var targets: [Int: Double] = [:]
        for line in lines.dropFirst() where line[slave] == "all" {
            targets[try #require(Int(line[second]))] = Double(String(line[target])) ?? .nan  // NaN equals nothing: an unreadable cell fails
        }
        return targets
    }

    static func json(_ file: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }
}

/// RFC 3339 text of a time, to the whole second (rounded up), in UTC.
enum RFC3339Text {
    static func seconds(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up)))
    }
}
