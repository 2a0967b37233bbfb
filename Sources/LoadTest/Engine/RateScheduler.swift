import Synchronization

/// Offers calls on time: a one-shot timer re-armed at the absolute time of the next
/// due call (never `next += period`), asking the ``Pacer`` what is due each time it
/// fires.
///
/// When the timer fires late, the whole backlog is due at once; it is launched in
/// bursts of at most `maxBurst` (the timer re-fires at once for the rest), so a long
/// stall cannot flood a slave in one go yet the rate error does not accumulate.
/// Each launch records when the call was *scheduled* (its ideal time from the pacer)
/// and when it was *fired*, so that latencies can be reported free of coordinated
/// omission.
public final class RateScheduler: Sendable {
    /// One due call.
    public struct Launch: Sendable, Equatable {
        /// 0-based, in offer order.
        public var index: Int
        /// The call's ideal time, ns of the run clock.
        public var scheduledAt: Int64
        /// When the scheduler handed it out, ns of the run clock.
        public var firedAt: Int64
    }

    public let pacer: Pacer
    public let maxBurst: Int
    private let clock: any RunClock
    private let onLaunch: @Sendable (Launch) -> Bool
    private let onFinish: @Sendable (Int) -> Void
    private let state = Mutex(State())
    private let timer = Mutex<(any RunTimer)?>(nil)
    /// Held while a tick hands out a batch; ``stop()`` passes through it before
    /// `onFinish`, so no call is launched after the run has moved on to draining.
    private let launching = Mutex(())

    private struct State {
        var start: Int64?
        var launched = 0
        /// Launched calls that were made (not blocked by the limit).
        var offered = 0
        var finished = false
    }

    /// - Parameters:
    ///   - onLaunch: called on the timer's queue for each due call, in order; keep it
    ///     short (queue the command, do not wait for its reply). Returns whether the
    ///     call was made (false: blocked by the limit; `max_offered` counts made calls).
    ///   - onFinish: called once when the pacer says stop, or after ``stop()``, with the
    ///     number of calls launched.
    public init(
        pacer: Pacer, clock: any RunClock = DispatchRunClock(), maxBurst: Int = 256,
        onLaunch: @escaping @Sendable (Launch) -> Bool, onFinish: @escaping @Sendable (Int) -> Void
    ) {
        self.pacer = pacer
        self.clock = clock
        self.maxBurst = max(1, maxBurst)
        self.onLaunch = onLaunch
        self.onFinish = onFinish
    }

    /// Starts the clock of the run (t = 0 at `start`, ns of the run clock; nil: now)
    /// and the timer. The run gives its own start, so each call's ideal time is its
    /// due time from the start the reports count from.
    public func start(at start: Int64? = nil) {
        let now = clock.now()
        let zero = start ?? now
        let made = clock.makeSchedulerTimer { [weak self] in self?.tick() }
        timer.withLock { $0 = made }
        state.withLock { $0.start = zero }
        made.arm(at: max(now, zero))
    }

    /// Stops offering; `onFinish` runs (once) if it has not yet.
    public func stop() {
        let launched: Int? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return state.launched
        }
        timer.withLock { $0 }?.cancel()
        // A tick may be handing out a batch on the timer's queue right now: let it end,
        // so that every call it launches is offered before `onFinish` (the drain) runs.
        launching.withLock { _ in }
        if let launched { onFinish(launched) }
    }

    /// Calls handed out so far (made or blocked).
    public var launched: Int { state.withLock { $0.launched } }

    private func tick() {
        let stopNow = launching.withLock { _ in launchDue() }
        if stopNow { stop() }
    }

    /// Launches what is due and re-arms the timer; true when the pacer says stop.
    private func launchDue() -> Bool {
        let now = clock.now()
        guard let (start, launched, offered) = state.withLock({ $0.finished ? nil : ($0.start ?? now, $0.launched, $0.offered) })
        else {
            return false
        }
        let elapsed = Double(now - start) / 1e9
        switch pacer.pace(elapsed: elapsed, launched: launched, offered: offered) {
        case .launch(let count):
            let batch = min(count, maxBurst)
            var made = 0
            for offset in 0..<batch {
                let index = launched + offset
                let scheduled = start + Int64((pacer.time(ofCall: index) * 1e9).rounded())
                if onLaunch(Launch(index: index, scheduledAt: scheduled, firedAt: now)) { made += 1 }
            }
            let stillRunning = state.withLock { state -> Bool in
                state.launched += batch
                state.offered += made
                return !state.finished
            }
            // Look again at once: more backlog, or the time of the next call.
            if stillRunning { timer.withLock { $0 }?.arm(at: now) }
        case .wait(let seconds):
            timer.withLock { $0 }?.arm(at: start + Int64(((elapsed + seconds) * 1e9).rounded(.up)))
        case .stop:
            return true
        }
        return false
    }
}
