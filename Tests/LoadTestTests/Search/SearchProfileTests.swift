import Foundation
import LoadTest
import Testing

/// `load.search` and aborting thresholds in a profile: what is read, the defaults, the
/// schedule they make, and the errors (each naming the file, the field and what was
/// expected).
struct SearchProfileTests {
    typealias P = ProfileFixtures

    static let search = "{ search: { from: 10, step: 10, step_time: 30, max: 45, until: ['asr < 0.99', 'answer_ms.p95 > 1000'] }, limit: 100, duration: 2 }"

    @Test func aSearchStepsFromFromByStepUpToMax() throws {
        let profile = try P.parse(P.text(load: Self.search))
        let search = try #require(profile.load.search)
        #expect(search.rates == [10, 20, 30, 40], "45 is not reached: the last step is the highest from + k·step <= max")
        #expect(search.until == ["asr < 0.99", "answer_ms.p95 > 1000"])
        #expect(search.effectiveSettle(holdSeconds: profile.load.holdSeconds) == 7, "settle defaults to hold + 5")
        #expect(profile.load.effectiveRunTime == 120, "offering lasts at most steps × step_time")
        // The pacer's schedule is the steps' rates: 300 calls in the first 30 s, 600 in the next.
        let plan = try profile.runPlan(runID: "r", simulated: [0: ("127.0.0.1", 1)])
        #expect(plan.pacer.due(at: 30) == 300 && plan.pacer.due(at: 60) == 900)
        let searchPlan = try #require(plan.search)
        #expect(searchPlan.rates == [10, 20, 30, 40] && searchPlan.settle == 7 && searchPlan.stepSeconds == 30)
        #expect(searchPlan.maxLagMs == 50)
        #expect(searchPlan.rules.map(\.text) == ["asr < 0.99", "answer_ms.p95 > 1000"])
    }

    @Test func defaultsAndCheckSummary() throws {
        let profile = try P.parse(P.text(load: "{ search: { from: 5, step: 5, step_time: 10, max: 5, settle: 2 }, limit: 10, duration: 1 }"))
        let search = try #require(profile.load.search)
        #expect(search.rates == [5], "max = from: one step")
        #expect(search.until == Profile.Load.Search.defaultRules)
        #expect(search.effectiveSettle(holdSeconds: 1) == 2 && search.maxLagMs == 50)
        let line = try #require(profile.summary.first { $0.hasPrefix("search:") })
        #expect(line.contains("5 → 5 calls/s, +5 every 10 s (1 steps, 10 s at most)"), "\(line)")
        #expect(line.contains("asr < 1 or dropped > 0") && line.contains("2 s after it"), "\(line)")
        #expect(!profile.summary.contains { $0.hasPrefix("rate:") })
    }

    /// `--rate` replaces a search with a constant rate, over the search's length.
    @Test func aRateOverrideReplacesTheSearch() throws {
        let profile = try P.parse(P.text(load: Self.search)).applying(Profile.Overrides(rate: 7))
        #expect(profile.load.search == nil && profile.load.rate == .constant(7) && profile.load.effectiveRunTime == 120)
    }

    @Test func theEffectiveProfileWritesTheSearchAndAbortingThresholds() throws {
        let profile = try P.parse(
            P.text(load: Self.search, extra: "thresholds: ['lost == 0', { rule: 'asr > 0.9', abort: true, after: 5 }]"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(profile)) as? [String: Any])
        let load = try #require(json["load"] as? [String: Any])
        let search = try #require(load["search"] as? [String: Any])
        #expect(search["from"] as? Double == 10 && search["max"] as? Double == 45 && load["rate"] == nil && load["ramp"] == nil)
        let thresholds = try #require(json["thresholds"] as? [Any])
        #expect(thresholds.first as? String == "lost == 0")
        let abort = try #require(thresholds.last as? [String: Any])
        #expect(abort["rule"] as? String == "asr > 0.9" && abort["abort"] as? Bool == true)
        #expect(abort["after"] as? Double == 5 && abort["window"] as? Double == 10)
    }

    @Test func thresholdsMayBeObjectsThatAbort() throws {
        let profile = try P.parse(
            P.text(
                extra: """
                    thresholds: ['answer_ms.p99 < 500', { rule: 'asr > 0.9', abort: true, after: 5, window: 3 },
                                 { rule: 'dropped == 0' }]
                    """))
        #expect(profile.thresholds == ["answer_ms.p99 < 500", "asr > 0.9", "dropped == 0"], "every rule judges the whole run")
        #expect(profile.aborts == [Profile.Abort(rule: "asr > 0.9", after: 5, window: 3)])
        let plan = try profile.runPlan(runID: "r", simulated: [0: ("127.0.0.1", 1)])
        #expect(plan.aborts.map(\.threshold.text) == ["asr > 0.9"] && plan.aborts.first?.after == 5)
        let line = try #require(profile.summary.first { $0.hasPrefix("thresholds:") })
        #expect(line.contains("asr > 0.9 (abort: from 5 s, over the calls sent in the last 3 s)"), "\(line)")
    }

    /// The shipped capacity profile: a search from 20 calls/s in steps of 20, and a
    /// threshold that aborts a collapsed lab.
    @Test func theShippedCapacityProfile() throws {
        let sim = try Profile.load(path: ProfileFixtures.profilesDirectory.appendingPathComponent("capacity-sim.json5").path)
        #expect(sim.load.search?.rates.last == 300 && sim.slaves.count == 2 && sim.preflight == .warn)
        let path = ProfileFixtures.profilesDirectory.appendingPathComponent("capacity.json5").path
        let profile = try Profile.load(
            path: path, environment: [:],
            overrides: Profile.Overrides(slaves: [Profile.Slave.Remote(host: "10.0.0.5", port: 8021, password: .clueCon)]))
        let search = try #require(profile.load.search)
        #expect(search.rates.first == 20 && search.step == 20 && search.rates.last == 400)
        #expect(search.until == ["asr < 0.99", "answer_ms.p95 > 1000", "dropped > 0", "mos.p5 < 4", "slave_idle_cpu.min < 5"])
        #expect(profile.call.media == .tone, "the tone calls' MOS is one of its rules")
        #expect(profile.knownCapacityProblems.isEmpty, "prepare fits the search's peak and limit")
        #expect(profile.aborts == [Profile.Abort(rule: "asr > 0.5", after: 10, window: 10)])
    }

    static let refusals: [(label: String, load: String, extra: String, path: String, kind: ProfileError.Kind, message: String)] = [
        // A search and a constant rate.
        ("search and rate", "{ search: { from: 1, step: 1, step_time: 1, max: 2 }, rate: 5, limit: 1 }", "", "load", .conflict,
         "give either 'search' (its steps set the rate and the run time) or 'rate'"),
        // A search and a ramp.
        ("search and ramp", "{ search: { from: 1, step: 1, step_time: 1, max: 2 }, ramp: { from: 1, to: 2, over: 3 }, limit: 1 }", "",
         "load", .conflict, "or 'ramp', not both"),
        // A search and a run time.
        ("search and run_time", "{ search: { from: 1, step: 1, step_time: 1, max: 2 }, run_time: 5, limit: 1 }", "", "load",
         .conflict, "or 'run_time', not both"),
        // No step.
        ("missing step", "{ search: { from: 1, step_time: 1, max: 2 }, limit: 1 }", "", "load.search.step", .missingField,
         "how many calls per second each step adds"),
        // A step of 0 would never climb.
        ("zero step", "{ search: { from: 1, step: 0, step_time: 1, max: 2 }, limit: 1 }", "", "load.search.step", .invalidValue,
         "calls per second > 0"),
        // max below from.
        ("max below from", "{ search: { from: 10, step: 1, step_time: 1, max: 2 }, limit: 1 }", "", "load.search.max",
         .invalidValue, "expected a rate >= 'from' (10), got 2"),
        // A step time of 0.
        ("zero step_time", "{ search: { from: 1, step: 1, step_time: 0, max: 2 }, limit: 1 }", "", "load.search.step_time",
         .invalidValue, "how long each step lasts in seconds > 0"),
        // A rule with an unknown metric.
        ("bad until rule", "{ search: { from: 1, step: 1, step_time: 1, max: 2, until: ['asrr < 1'] }, limit: 1 }", "",
         "load.search.until[0]", .invalidValue, "unknown metric \"asrr\""),
        // No rule at all.
        ("empty until", "{ search: { from: 1, step: 1, step_time: 1, max: 2, until: [] }, limit: 1 }", "", "load.search.until",
         .invalidValue, "at least one rule"),
        // A misspelt key.
        ("unknown search key", "{ search: { from: 1, step: 1, step_time: 1, max: 2, setle: 3 }, limit: 1 }", "",
         "load.search.setle", .unknownField, "settle"),
        // A lag limit of 0 would make every step invalid.
        ("zero max_lag_ms", "{ search: { from: 1, step: 1, step_time: 1, max: 2, max_lag_ms: 0 }, limit: 1 }", "",
         "load.search.max_lag_ms", .invalidValue, "a schedule lag in ms > 0"),
        // Too many steps.
        ("too many steps", "{ search: { from: 1, step: 0.001, step_time: 1, max: 100 }, limit: 1 }", "", "load.search",
         .invalidValue, "at most 10000 steps"),
        // An aborting threshold without its rule.
        ("abort without rule", "{ rate: 5, limit: 10, run_time: 10 }", "thresholds: [{ abort: true }]", "thresholds[0].rule",
         .missingField, "the threshold"),
        // after/window on a threshold that does not abort.
        ("window without abort", "{ rate: 5, limit: 10, run_time: 10 }", "thresholds: [{ rule: 'asr > 0.5', window: 3 }]",
         "thresholds[0]", .conflict, "'after' and 'window' apply to a threshold with 'abort: true' only"),
        // A window of 0 seconds holds no call.
        ("zero window", "{ rate: 5, limit: 10, run_time: 10 }", "thresholds: [{ rule: 'asr > 0.5', abort: true, window: 0 }]",
         "thresholds[0].window", .invalidValue, "> 0"),
        // abort must be a boolean.
        ("abort not a bool", "{ rate: 5, limit: 10, run_time: 10 }", "thresholds: [{ rule: 'asr > 0.5', abort: 'yes' }]",
         "thresholds[0].abort", .wrongType, "expected true or false"),
    ]

    @Test(arguments: refusals.indices)
    func refused(_ index: Int) {
        let row = Self.refusals[index]
        do {
            let profile = try P.parse(P.text(load: row.load, extra: row.extra))
            Issue.record("\(row.label): accepted: \(profile.summary)")
        } catch {
            #expect(error.file == "test.json5", "\(row.label)")
            #expect(error.path == row.path, "\(row.label): \(error)")
            #expect(error.kind == row.kind, "\(row.label): \(error)")
            #expect(error.message.contains(row.message), "\(row.label): \(error)")
        }
    }
}
