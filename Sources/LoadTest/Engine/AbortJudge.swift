import Synchronization

/// Stops a run whose aborting threshold fails during it (k6's `abortOnFail`): a
/// ``RecordSink`` that keeps the finished calls of the last `window` seconds and, on
/// each of the run's per-second snapshots while it offers, evaluates each
/// ``AbortRule`` whose `after` has passed over the calls *sent* (due) in the last
/// `window` seconds that have ended — computed as the run's metrics are
/// (``MetricSource/init(part:offered:blocked:seconds:targetRate:)``, `offered` being
/// those ended calls). A window with no ended call is not judged.
///
/// The first failure is kept (``fired``) and `onAbort` is called once with it (off the
/// record queue's thread: the run stops offering and drains as on Ctrl-C). Since the
/// rule is judged every second from `after`, a rule that fails from the start stops
/// the run within `after + 1` s of its clock.
public final class AbortJudge: RecordSink {
    private let rules: [AbortRule]
    private let pacer: Pacer
    private let onAbort: @Sendable (AbortSummary) -> Void
    private let longest: Int64
    private let state = Mutex<(records: [CallRecord], fired: AbortSummary?)>(([], nil))
    private let slaveFigures = Mutex<SearchJudge.SlaveFigures?>(nil)

    /// - Parameters:
    ///   - pacer: the run's schedule (a window's `target_rate`).
    ///   - onAbort: called once, when a rule first fails.
    public init(rules: [AbortRule], pacer: Pacer, onAbort: @escaping @Sendable (AbortSummary) -> Void) {
        self.rules = rules
        self.pacer = pacer
        self.onAbort = onAbort
        longest = Int64((rules.map(\.window).max() ?? 0) * 1e9)
    }

    /// Where a window's slave figures come from (a rule may read `slave_idle_cpu.min`
    /// and the like; without this they have no data).
    public func readSlaves(_ figures: @escaping SearchJudge.SlaveFigures) {
        slaveFigures.withLock { $0 = figures }
    }

    /// The rule that failed and when (nil: none did).
    public var fired: AbortSummary? { state.withLock { $0.fired } }

    public func add(_ record: CallRecord) {
        state.withLock { state in
            if state.fired == nil { state.records.append(record) }
        }
    }

    public func progress(_ snapshot: LoadRun.Progress) {
        guard snapshot.offering else { return }
        let now = snapshot.clockStart + Int64((snapshot.elapsed * 1e9).rounded())
        let fired = state.withLock { state -> AbortSummary? in
            guard state.fired == nil else { return nil }
            state.records.removeAll { $0.scheduledAt <= now - longest }
            for rule in rules where snapshot.elapsed >= rule.after {
                let from = now - Int64(rule.window * 1e9)
                let metrics = RunMetrics()
                for record in state.records where record.scheduledAt > from { metrics.add(record) }
                let calls = metrics.snapshot
                guard calls.records > 0 else { continue }
                let start = max(0, snapshot.elapsed - rule.window)
                let source = MetricSource(
                    part: calls, offered: calls.records, seconds: rule.window,
                    targetRate: pacer.targetRate(from: start, to: snapshot.elapsed)
                ).adding(slaveFigures.withLock { $0 }?(start, snapshot.elapsed) ?? [:])
                let verdict = rule.threshold.evaluate(source)
                guard !verdict.passed else { continue }
                state.fired = AbortSummary(
                    rule: rule.threshold.text, atSecond: (snapshot.elapsed * 1_000).rounded() / 1_000, message: verdict.message, window: rule.window)
                state.records = []
                return state.fired
            }
            return nil
        }
        if let fired { onAbort(fired) }
    }
}
