import Dispatch
import Synchronization

/// A monotonic clock with one-shot timers, so that the scheduler can run on real time
/// (``DispatchRunClock``) or be driven by hand in tests (``ManualRunClock``).
public protocol RunClock: Sendable {
    /// Now, in nanoseconds of a monotonic clock.
    func now() -> Int64
    /// Makes a one-shot timer that calls `handler` when it fires.
    func makeTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer
    /// Makes the scheduler's timer: one that fires as close to its deadline as the
    /// machine allows (``makeTimer(_:)`` unless the clock has better).
    func makeSchedulerTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer
}

extension RunClock {
    public func makeSchedulerTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer {
        makeTimer(handler)
    }
}

/// A one-shot timer armed at absolute deadlines.
public protocol RunTimer: Sendable {
    /// Fires once at `deadline` (ns of the clock), or at once if it has passed; arming
    /// again replaces the deadline.
    func arm(at deadline: Int64)
    /// Stops the timer for good.
    func cancel()
}

/// Real time: `DispatchTime` (CLOCK_MONOTONIC) and a strict `DispatchSourceTimer` on
/// one serial queue per timer, re-armed at absolute deadlines, no leeway.
public struct DispatchRunClock: RunClock {
    /// Whether the scheduler's thread asks for `SCHED_FIFO` before nice −10
    /// (``ThreadRunTimer``); off, it asks for nice −10 only.
    public var realTimeScheduler: Bool

    public init(realTimeScheduler: Bool = true) { self.realTimeScheduler = realTimeScheduler }

    public func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }

    public func makeTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer {
        DispatchRunTimer(handler)
    }

    /// A thread of its own at a raised priority where allowed (``ThreadRunTimer``): the
    /// Dispatch queue of ``makeTimer(_:)`` runs on a pool thread that waits for a core
    /// like any other, which on a busy machine is most of the schedule's lag.
    public func makeSchedulerTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer {
        ThreadRunTimer(name: "switchy.scheduler", realTime: realTimeScheduler, handler)
    }
}

/// `@unchecked`: `DispatchSourceTimer` is thread-safe (any thread may schedule or cancel
/// it) but is not annotated `Sendable` in Linux's Dispatch.
final class DispatchRunTimer: RunTimer, @unchecked Sendable {
    private let queue = DispatchQueue(label: "switchy.timer", qos: .userInteractive)
    private let source: any DispatchSourceTimer

    init(_ handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(flags: .strict, queue: queue)
        source.setEventHandler(handler: handler)
        source.activate()
    }

    func arm(at deadline: Int64) {
        source.schedule(deadline: DispatchTime(uptimeNanoseconds: UInt64(max(0, deadline))), leeway: .nanoseconds(0))
    }

    func cancel() { source.cancel() }
}

/// Time that moves only when a test says so (swift-nio's `EmbeddedEventLoop` idea):
/// ``advance(by:)`` fires each timer due on the way, in deadline order, with ``now()``
/// set to that timer's deadline while its handler runs.
public final class ManualRunClock: RunClock {
    private let state = Mutex(State())

    private struct State {
        var now: Int64 = 0
        var fired = 0
        var nextID = 0
        var timers: [Int: (deadline: Int64?, handler: @Sendable () -> Void)] = [:]
        var armWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var deadlineWaiters: [(deadline: Int64, continuation: CheckedContinuation<Void, Never>)] = []

        var armedCount: Int { timers.values.count { $0.deadline != nil } }

        /// The waiters whose count of armed timers is reached, or whose deadline a
        /// timer is armed at, taken out.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let armed = armedCount
            var ready = armWaiters.filter { $0.count <= armed }.map(\.continuation)
            armWaiters.removeAll { $0.count <= armed }
            let deadlines = Set(timers.values.compactMap(\.deadline))
            ready += deadlineWaiters.filter { deadlines.contains($0.deadline) }.map(\.continuation)
            deadlineWaiters.removeAll { deadlines.contains($0.deadline) }
            return ready
        }
    }

    public init(now: Int64 = 0) {
        state.withLock { $0.now = now }
    }

    public func now() -> Int64 { state.withLock { $0.now } }

    public func makeTimer(_ handler: @escaping @Sendable () -> Void) -> any RunTimer {
        let id = state.withLock { state in
            state.nextID += 1
            state.timers[state.nextID] = (nil, handler)
            return state.nextID
        }
        return ManualRunTimer(clock: self, id: id)
    }

    /// Moves time forward by `nanoseconds`, firing every timer due on the way; with
    /// `firingTimers: false` time jumps and nothing fires (a stalled timer thread),
    /// until the next ``fireDueTimers()`` or `advance`.
    public func advance(by nanoseconds: Int64, firingTimers: Bool = true) {
        let target = now() + nanoseconds
        if !firingTimers {
            state.withLock { $0.now = target }
            return
        }
        fire(upTo: target)
        state.withLock { $0.now = target }
    }

    /// Fires the timers whose deadline has passed (late, at the current time).
    public func fireDueTimers() {
        fire(upTo: now())
    }

    /// How many times a timer has fired.
    public var fired: Int { state.withLock { $0.fired } }

    private func fire(upTo target: Int64) {
        while true {
            let due: (@Sendable () -> Void)? = state.withLock { state in
                let armed = state.timers.compactMap { id, timer in timer.deadline.map { (id, $0) } }
                guard let (id, deadline) = armed.min(by: { $0.1 < $1.1 }), deadline <= target else { return nil }
                state.now = max(state.now, deadline)
                state.timers[id]?.deadline = nil
                state.fired += 1
                return state.timers[id]?.handler
            }
            guard let due else { break }
            due()
        }
    }

    /// True when some timer is armed.
    public var hasArmedTimer: Bool { state.withLock { $0.timers.values.contains { $0.deadline != nil } } }

    /// The deadlines of the timers armed now, earliest first (for a failing test's message).
    public var armedDeadlines: [Int64] { state.withLock { $0.timers.values.compactMap(\.deadline).sorted() } }

    /// How many timers are armed now.
    public var armedTimers: Int { state.withLock { $0.armedCount } }

    /// Returns once at least `count` timers are armed: how a test knows the code
    /// under test has reached its waits (a run's scheduler and sweeper, a drain's
    /// deadline) before it moves time.
    public func waitForArmedTimers(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.armedCount < count else { return true }
                state.armWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Returns once a timer is armed at exactly `deadline`: how a test knows one
    /// particular wait has begun (a reconnect's first wait, 0.1 s from now) when other
    /// timers come and go meanwhile, so that no count of armed timers is certain. Pick
    /// a deadline no other timer can have (a rate whose calls are due elsewhere).
    public func waitForTimer(armedAt deadline: Int64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard !state.timers.values.contains(where: { $0.deadline == deadline }) else { return true }
                state.deadlineWaiters.append((deadline, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    fileprivate func arm(_ id: Int, at deadline: Int64) {
        let ready = state.withLock { state in
            state.timers[id]?.deadline = deadline
            return state.satisfiedWaiters()
        }
        for waiter in ready { waiter.resume() }
    }

    fileprivate func cancel(_ id: Int) {
        _ = state.withLock { $0.timers.removeValue(forKey: id) }
    }
}

private struct ManualRunTimer: RunTimer {
    let clock: ManualRunClock
    let id: Int
    func arm(at deadline: Int64) { clock.arm(id, at: deadline) }
    func cancel() { clock.cancel(id) }
}
