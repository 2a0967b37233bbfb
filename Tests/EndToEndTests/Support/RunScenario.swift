import Foundation
import TestSupport
import Testing

/// A profile in a fresh folder, run with `switchy run --out <folder>/results`; its
/// reports are read back after checking the accounting invariant (shared by every
/// end-to-end run test).
struct RunScenario {
    /// Two simulated slaves calling themselves; their sessions-per-second allow every
    /// rate used here (a call to itself is two sessions; preflight refuses otherwise).
    static let twoSims = """
        slaves: [{ sim: { answer_delay: 0.1, sps: 200 } }, { sim: { answer_delay: 0.1, sps: 200 } }],
        call: { dest: "echo@{sip}" },
        """

    let folder: URL
    let profile: URL
    var results: URL { folder.appendingPathComponent("results") }

    init(_ text: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        profile = folder.appendingPathComponent("profile.json5")
        try text.write(to: profile, atomically: true, encoding: .utf8)
    }

    func run(_ extra: [String] = []) async throws -> CLIRunner.Result {
        try await CLIRunner.run(["run", profile.path, "--out", results.path, "--quiet"] + extra)
    }

    /// The only run folder (under `base`, by default ``results``).
    func runFolder(under base: URL? = nil) throws -> URL {
        let runs = try FileManager.default.contentsOfDirectory(at: base ?? results, includingPropertiesForKeys: nil)
        try #require(runs.count == 1)
        return runs[0]
    }

    /// `summary.json` and the rows of `calls.csv`, after checking that rows =
    /// offered = sum of outcomes and that every call uuid appears once (the run folder
    /// under `base`, by default ``results``).
    func reports(under base: URL? = nil) throws -> (summary: [String: Any], rows: [[String: String]]) {
        let folder = try runFolder(under: base)
        let data = try Data(contentsOf: folder.appendingPathComponent("summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let lines = try String(contentsOf: folder.appendingPathComponent("calls.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let offered = try #require(summary["offered"] as? Int)
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        #expect(rows.count == offered, "one calls.csv row per offered call")
        #expect(outcomes.values.reduce(0, +) == offered, "outcomes add up to offered")
        #expect(Set(rows.compactMap { $0["call_uuid"] }).count == rows.count, "every call uuid once")
        // Each outcome count, ASR ((answered + dropped) / offered), the drop rate
        // (dropped / (answered + dropped)) and ACD (mean hold of those calls, on the
        // server's clock when known; README "Reports"), recomputed from the rows on their own.
        var counted: [String: Int] = [:]
        for row in rows { counted[row["outcome"] ?? "", default: 0] += 1 }
        #expect(outcomes.filter { $0.value > 0 } == counted, "summary outcomes = calls.csv outcomes")
        let dropped = counted["dropped", default: 0]
        let answered = counted["answered", default: 0] + dropped
        #expect(summary["dropped"] as? Int == dropped, "dropped = calls.csv rows dropped")
        if offered > 0 {
            let asr = try #require(summary["asr"] as? Double)
            #expect(abs(asr - Double(answered) / Double(offered)) < 1e-9, "asr = (answered + dropped) / offered")
        }
        let holds = rows.filter { $0["outcome"] == "answered" || $0["outcome"] == "dropped" }.compactMap { row -> Double? in
            let server = row["server_hold_ms"].flatMap(Double.init)
            return (server ?? row["hold_ms"].flatMap(Double.init)).map { $0 / 1_000 }
        }
        if answered > 0 {
            let dropRate = try #require(summary["drop_rate"] as? Double)
            #expect(abs(dropRate - Double(dropped) / Double(answered)) < 1e-9, "drop_rate = dropped / (answered + dropped)")
        } else {
            #expect(summary["drop_rate"] == nil && summary["acd_s"] == nil, "no answered call: no drop rate, no ACD")
        }
        if !holds.isEmpty {
            let acd = try #require(summary["acd_s"] as? Double)
            #expect(abs(acd - holds.reduce(0, +) / Double(holds.count)) < 1e-5, "acd_s = mean hold of answered calls")
        }
        // Hold drift: |hold − planned hold| of each call held as planned (answered, with a
        // planned hold), on the server's clock when known; nothing for any other call.
        for row in rows {
            let planned = row["planned_hold_ms"].flatMap(Double.init)
            let held = row["server_hold_ms"].flatMap(Double.init) ?? row["hold_ms"].flatMap(Double.init)
            let drift = row["hold_drift_ms"].flatMap(Double.init)
            if row["outcome"] == "answered", let planned, let held {
                #expect(drift.map { abs($0 - abs(held - planned)) < 0.002 } == true, "hold_drift_ms of \(row)")
            } else {
                #expect(drift == nil, "no hold drift for \(row)")
            }
        }
        // no_media: answered calls (dropped included) that expected media and whose
        // originating leg reported 0 RTP packets (README "Media").
        let noMedia = rows.filter {
            ($0["outcome"] == "answered" || $0["outcome"] == "dropped") && ($0["media"] ?? "none") != "none"
                && $0["rtp_in_packets"] == "0"
        }.count
        #expect(summary["no_media"] as? Int == noMedia, "no_media = calls.csv rows that expected media and got 0 packets")
        // Every latency and quality statistic, recomputed from its own calls.csv column:
        // the count exactly; min, max and the nearest-rank percentiles (rank ⌈n·p/100⌉)
        // within the histogram's resolution (≤ 0.4 %, README "Reports").
        for section in ["latency_ms", "quality"] {
            for (name, stats) in (summary[section] as? [String: [String: Any]]) ?? [:] where header.contains(name) {
                let values = rows.compactMap { $0[name].flatMap(Double.init) }.sorted()
                #expect(stats["count"] as? Int == values.count, "\(name).count = its non-empty cells")
                guard let first = values.first, let last = values.last else { continue }
                var expected: [(String, Double)] = [("min", first), ("max", last)]
                for (stat, p) in [("p1", 1.0), ("p5", 5), ("p10", 10), ("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99)] {
                    let rank = max(1, Int((Double(values.count) * p / 100).rounded(.up)))
                    expected.append((stat, values[rank - 1]))
                }
                for (stat, exact) in expected {
                    let reported = try #require(stats[stat] as? Double, "\(name).\(stat)")
                    #expect(abs(reported - exact) <= abs(exact) * 0.005 + 0.002, "\(name).\(stat) \(reported) vs \(exact) from calls.csv")
                }
            }
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("timeline.csv").path))
        return (summary, rows)
    }
}

