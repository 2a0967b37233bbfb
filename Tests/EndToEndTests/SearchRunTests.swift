import Foundation
import TestSupport
import Testing

/// `load.search` and aborting thresholds through the built `switchy run`, against
/// simulated slaves with a capacity: the reports say what the search found, and the
/// step verdicts are recomputed from `calls.csv`'s `step` column.
@Suite(.timeLimit(.minutes(3))) struct SearchRunTests {
    /// One simulated slave that holds at most 70 sessions; each call is one session
    /// (a remote destination) held 1 s, so it takes about 70 calls/s — less when the
    /// machine is loaded and answers come late (50 calls/s with 300 ms answers still
    /// fit), never 90. The searches allow a schedule lag p99 of 1 s (`max_lag_ms`):
    /// this slave runs in the generator's own process, on a machine the whole test
    /// suite shares, and these tests are about the server's knee (invalid steps are
    /// ``SearchJudgeTests``').
    static func profile(search: String) -> String {
        """
        { name: 'knee', preflight: 'warn',
          slaves: [{ sim: { answer_delay: 0, ring_delay: 0, sps: 1000, max_sessions: 70 } }],
          call: { dest: 'echo@192.0.2.9:5060' },
          load: { search: \(search), limit: 500, duration: 1 } }
        """
    }

    /// Each step of `summary.json`'s search agrees with the rows of its step in
    /// calls.csv: offered, answered, dropped and the ASR; a step judged passed or failed
    /// has the verdict `asr < 0.99` gives over those rows.
    static func checkSteps(_ summary: [String: Any], _ rows: [[String: String]]) throws -> [[String: Any]] {
        let search = try #require(summary["search"] as? [String: Any])
        let steps = try #require(search["steps"] as? [[String: Any]])
        #expect(rows.allSatisfy { $0["step"].flatMap(Int.init) != nil }, "every call of a search has a step")
        for step in steps {
            let index = try #require(step["step"] as? Int)
            let mine = rows.filter { $0["step"] == String(index) }
            let answered = mine.filter { $0["outcome"] == "answered" }.count
            let dropped = mine.filter { $0["outcome"] == "dropped" }.count
            #expect(step["offered"] as? Int == mine.count, "step \(index): offered = its rows")
            #expect(step["still_up"] as? Int == 0, "step \(index): every call ended before it was judged")
            #expect(step["answered"] as? Int == answered && step["dropped"] as? Int == dropped, "step \(index)")
            #expect(!mine.isEmpty, "a step is listed once a call was due in it")
            let asr = Double(answered + dropped) / Double(max(1, mine.count))
            #expect((step["asr"] as? Double).map { abs($0 - asr) < 1e-9 } == true, "step \(index): asr")
            switch step["verdict"] as? String {
            case "passed": #expect(asr >= 0.99, "step \(index) passed with asr \(asr)")
            case "failed": #expect(asr < 0.99, "step \(index) failed with asr \(asr)")
            default: break
            }
        }
        return steps
    }

    /// The knee is found within one step: 50 calls/s held, 90 broke, offering stopped
    /// during the next step, and the run passes (the search has its answer).
    @Test func aSearchFindsTheKneeOfASlaveWithACapacity() async throws {
        let scenario = try RunScenario(
            Self.profile(search: "{ from: 10, step: 40, step_time: 2, max: 400, until: ['asr < 0.99'], max_lag_ms: 1000 }"))
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        let steps = try Self.checkSteps(summary, rows)
        let search = try #require(summary["search"] as? [String: Any])
        #expect(search["max_sustained_cps"] as? Double == 50, "\(steps)")
        #expect(search["knee_above_max"] as? Bool == false && search["broken_rule"] as? String == "asr < 0.99")
        let knee = try #require(steps.first { $0["verdict"] as? String == "failed" })
        #expect(knee["rate"] as? Double == 90)
        #expect((search["stop_reason"] as? String)?.hasPrefix("step 2 (90 calls/s) broke \"asr < 0.99\"") == true)
        #expect(steps.count < 10, "offering stopped soon after the knee, far below max")
        #expect(result.stderr.contains("max sustained: 50.00 calls/s held"), "\(result.stderr)")
        let folder = try scenario.runFolder()
        let junit = try String(contentsOf: folder.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(junit.contains("name=\"step 2: 90 calls/s\">\n      <failure"), "\(junit)")
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Capacity search</h2>") && html.contains("Highest rate that held: 50.00 calls/s."))
    }

    /// Every step up to max holds: the knee is above max, said in the summary and the
    /// end-of-run table.
    @Test func aSearchThatHoldsToMaxSaysTheKneeIsAbove() async throws {
        let scenario = try RunScenario(Self.profile(search: "{ from: 10, step: 10, step_time: 1, max: 20, settle: 2, max_lag_ms: 1000 }"))
        let result = try await scenario.run()
        #expect(result.status == 0, "\(result.stderr)")
        let (summary, rows) = try scenario.reports()
        let steps = try Self.checkSteps(summary, rows)
        let search = try #require(summary["search"] as? [String: Any])
        #expect(steps.map { $0["verdict"] as? String } == ["passed", "passed"])
        #expect(search["knee_above_max"] as? Bool == true && search["max_sustained_cps"] as? Double == 20)
        #expect(search["stop_reason"] == nil && summary["offered"] as? Int == 30)
        #expect(result.stderr.contains("the knee is above it"), "\(result.stderr)")
    }

    /// An aborting threshold that fails stops offering long before run_time, every
    /// offered call still gets its row, and the run exits 1 naming the rule and the
    /// second on stderr and in summary.json.
    @Test func anAbortingThresholdStopsTheRun() async throws {
        let scenario = try RunScenario(
            """
            { name: 'abort', slaves: [{ sim: { answer_delay: 0, ring_delay: 0, failure_ratio: 0.5 } }],
              call: { dest: 'echo@192.0.2.9:5060' },
              load: { rate: 20, limit: 100, duration: 1, run_time: 60 },
              thresholds: ['lost == 0', { rule: 'asr > 0.9', abort: true, after: 1, window: 5 }] }
            """)
        let result = try await scenario.run()
        #expect(result.status == 1, "\(result.stderr)")
        let (summary, _) = try scenario.reports()
        let abort = try #require(summary["abort"] as? [String: Any])
        #expect(abort["rule"] as? String == "asr > 0.9" && (abort["at_s"] as? Double ?? 0) >= 1)
        #expect(summary["passed"] as? Bool == false && summary["interrupted"] as? Bool == false)
        #expect((summary["offering_s"] as? Double ?? 60) < 60, "offering stopped early")
        #expect(result.stderr.contains("aborting: threshold \"asr > 0.9\" failed at"), "\(result.stderr)")
        #expect(result.stderr.contains("verdict: ABORTED"))
    }
}
