import ESL
import Synchronization

/// Judges a capacity search step by step, on the record path: a ``RecordSink`` that
/// buckets each finished call by the step it was *due* in (``CallRecord/step``, set
/// when it was offered) and, on the run's per-second snapshots, judges step k once it
/// is over and either every call offered in it has ended or `settle` seconds have
/// passed since its end, whichever comes first.
///
/// A step's metrics are its own records', computed as the run's are
/// (``MetricSource/init(part:offered:blocked:seconds:targetRate:)``): `offered` counts
/// every call offered in the step, so a call still up when it is judged counts against
/// its ASR (offered, not answered) and shows in ``SearchSummary/Step/stillUp``. Then:
///
/// - `invalid` when the step's own `schedule_lag_ms.p99` passes
///   ``SearchPlan/maxLagMs`` (50 ms by default): the generator sent late, so the step says
///   little about the server. The search goes on; two invalid steps in a row stop it
///   (the generator cannot keep this rate, and higher ones would measure it, not the
///   server). An invalid step is never the knee nor a rate that held.
/// - `failed` when an `until` rule holds, or reads a metric the step has no data for
///   (no call answered for `answer_ms.p95`: nothing to show for the step). The first
///   failed step stops the search.
/// - `passed` otherwise.
///
/// Stopping calls `onStop` (off the record queue's thread: the run then stops offering
/// and drains as at its end). At ``finish()`` a step that was fully offered and not
/// yet judged is judged with what it has (the drain has ended its calls), unless the
/// search had stopped; a step cut short, or offered after the stop, is `unjudged`.
public final class SearchJudge: RecordSink {
    /// The slaves' own figures for the run's seconds (`from`, `to`]: threshold metrics
    /// such as `slave_idle_cpu.min` (``LoadRun/slaveFigures(from:to:)``).
    public typealias SlaveFigures = @Sendable (_ from: Double, _ to: Double) -> [String: Double]

    private let plan: SearchPlan
    private let onStop: @Sendable (String) -> Void
    private let state: Mutex<State>
    private let slaveFigures = Mutex<SlaveFigures?>(nil)

    private struct State {
        var offered: [Int]
        var blocked: [Int]
        var closed: [Int]
        var metrics: [Int: RunMetrics] = [:]
        var steps: [SearchSummary.Step] = []
        var invalidInARow = 0
        /// A step failed, or two in a row were invalid: nothing more is judged.
        var done = false
        /// Why offering stopped before the last step (nil: it did not).
        var stopReason: String?
        /// The latest snapshot's offering time and whether offering went on.
        var offeringSeconds = 0.0
        var offering = true
    }

    /// - Parameters:
    ///   - onStop: called once, with the reason, when the search stops offering.
    public init(plan: SearchPlan, onStop: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.onStop = onStop
        let count = plan.rates.count
        state = Mutex(State(offered: Array(repeating: 0, count: count), blocked: Array(repeating: 0, count: count),
            closed: Array(repeating: 0, count: count)))
    }

    /// Where a step's slave figures come from (a step's `until` rules may read
    /// `slave_idle_cpu.min` and the like; without this they have no data).
    public func readSlaves(_ figures: @escaping SlaveFigures) {
        slaveFigures.withLock { $0 = figures }
    }

    /// A call due in `step`: offered, or blocked by the limit (the run's `onOffer`).
    public func due(step: Int?, offered: Bool) {
        guard let step, plan.rates.indices.contains(step) else { return }
        state.withLock { state in
            if offered { state.offered[step] += 1 } else { state.blocked[step] += 1 }
        }
    }

    public func add(_ record: CallRecord) {
        guard let step = record.step, plan.rates.indices.contains(step) else { return }
        let metrics = state.withLock { state in
            state.closed[step] += 1
            if let metrics = state.metrics[step] { return metrics }
            let metrics = RunMetrics()
            state.metrics[step] = metrics
            return metrics
        }
        metrics.add(record)
    }

    public func progress(_ snapshot: LoadRun.Progress) {
        let stop = state.withLock { state -> String? in
            state.offering = snapshot.offering
            state.offeringSeconds = snapshot.offeringSeconds
            return judgeDue(&state, elapsed: snapshot.elapsed)
        }
        if let stop { onStop(stop) }
    }

    /// Judges what is left (see the type's description).
    public func finish() {
        state.withLock { state in
            _ = judgeDue(&state, elapsed: .infinity)
            for index in state.steps.count..<plan.rates.count where Self.started(index, state, plan) {
                let reason = state.done ? "offered after the search stopped" : "cut short: the run stopped during it"
                state.steps.append(figures(index, state, source(index, state), verdict: .unjudged, message: reason, at: nil))
            }
        }
    }

    /// The steps so far and the answer.
    public var summary: SearchSummary {
        state.withLock { state in
            var summary = SearchSummary(steps: state.steps, stopReason: state.stopReason)
            summary.kneeAboveMax = state.steps.count == plan.rates.count && state.steps.last?.verdict == .passed
                && !state.steps.contains { $0.verdict == .failed }
            return summary
        }
    }

    /// A step is listed once a call was due in it.
    private static func started(_ index: Int, _ state: State, _ plan: SearchPlan) -> Bool {
        state.offered[index] + state.blocked[index] > 0
    }

    /// Judges the steps now due, in order; returns why to stop, the first time the
    /// search must. `elapsed` infinite: the run is over, every fully offered step is due.
    private func judgeDue(_ state: inout State, elapsed: Double) -> String? {
        guard !state.done else { return nil }
        while state.steps.count < plan.rates.count {
            let index = state.steps.count
            let end = plan.end(ofStep: index)
            // Fully offered: offering went past its end (a timer due at the end may
            // fire a little late: a second later, or once offering stopped, it has).
            let offered = state.offering ? elapsed >= end + min(1, plan.settle) : state.offeringSeconds >= end - 1e-6
            let ended = state.closed[index] >= state.offered[index]
            guard offered, ended || elapsed >= end + plan.settle else { return nil }
            let step = judge(index, state, at: elapsed.isFinite ? elapsed : nil)
            state.steps.append(step)
            var reason: String?
            switch step.verdict {
            case .failed:
                reason = "step \(index) (\(step.rate.compactText) calls/s) broke \"\(step.brokenRule ?? "")\": \(step.message ?? "")"
            case .invalid:
                state.invalidInARow += 1
                if state.invalidInARow >= 2 {
                    reason = "steps \(index - 1) and \(index) were invalid: the generator could not keep the schedule"
                }
            case .passed, .unjudged:
                state.invalidInARow = 0
            }
            guard let reason else { continue }
            state.done = true
            // After the last step offering ends anyway: nothing to stop.
            guard index + 1 < plan.rates.count, state.offering else { return nil }
            state.stopReason = reason
            return reason
        }
        return nil
    }

    /// The metrics of step `index`'s calls, and the slaves' figures of its seconds.
    private func source(_ index: Int, _ state: State) -> MetricSource {
        let calls = MetricSource(
            part: state.metrics[index]?.snapshot ?? RunMetrics.Snapshot(), offered: state.offered[index],
            blocked: state.blocked[index], seconds: plan.stepSeconds, targetRate: plan.rates[index] * plan.share)
        let end = plan.end(ofStep: index)
        return calls.adding(slaveFigures.withLock { $0 }?(end - plan.stepSeconds, end) ?? [:])
    }

    private func judge(_ index: Int, _ state: State, at second: Double?) -> SearchSummary.Step {
        let source = source(index, state)
        if let lag = source.value("schedule_lag_ms.p99"), lag > plan.maxLagMs {
            let message = "schedule_lag_ms.p99 was \(lag.compactText) ms > \(plan.maxLagMs.compactText): the generator sent late"
            return figures(index, state, source, verdict: .invalid, message: message, at: second)
        }
        for rule in plan.rules {
            let missing = rule.metrics.filter { source.value($0) == nil }
            let verdict = rule.evaluate(source)
            guard !missing.isEmpty || verdict.passed else { continue }
            var message = missing.isEmpty ? verdict.message : "no data for \(missing.joined(separator: ", "))"
            // Calls still up count as offered, not answered: say how many, so a step of
            // late answers is not read as one of refused calls.
            let stillUp = state.offered[index] - state.closed[index]
            if stillUp > 0 { message += " (\(stillUp) of its \(state.offered[index]) calls still up when judged)" }
            var step = figures(index, state, source, verdict: .failed, message: message, at: second)
            step.brokenRule = rule.text
            return step
        }
        return figures(index, state, source, verdict: .passed, message: nil, at: second)
    }

    private func figures(
        _ index: Int, _ state: State, _ source: MetricSource, verdict: SearchSummary.Verdict, message: String?,
        at second: Double?
    ) -> SearchSummary.Step {
        SearchSummary.Step(
            step: index, rate: plan.rates[index], offered: state.offered[index], blocked: state.blocked[index],
            answered: Int(source.value("answered") ?? 0), dropped: Int(source.value("dropped") ?? 0),
            stillUp: max(0, state.offered[index] - state.closed[index]), asr: source.value("asr"),
            answerP95Ms: source.value("answer_ms.p95"), scheduleLagP99Ms: source.value("schedule_lag_ms.p99"),
            slaveIdleCPUMin: source.value("slave_idle_cpu.min"),
            verdict: verdict, brokenRule: nil, message: message, judgedAtSecond: second.map { ($0 * 1_000).rounded() / 1_000 })
    }
}
