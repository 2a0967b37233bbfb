import Synchronization

/// What completion callbacks delivered, in the order they were called, and a wait for a
/// number of them (no polling): for tests of code that answers through callbacks on
/// threads of its own.
public final class CallbackResults<Element: Sendable>: Sendable {
    private let state = Mutex<(results: [Element], waiter: (count: Int, CheckedContinuation<Void, Never>)?)>(([], nil))

    public init() {}

    /// Records one result; wakes a waiter whose count is reached.
    public func add(_ result: Element) {
        let ready = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.results.append(result)
            guard let waiter = state.waiter, state.results.count >= waiter.count else { return nil }
            state.waiter = nil
            return waiter.1
        }
        ready?.resume()
    }

    public var count: Int { state.withLock { $0.results.count } }

    /// Every result so far, once at least `count` have come.
    public func wait(for count: Int) async -> [Element] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.results.count >= count { return true }
                state.waiter = (count, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { $0.results }
    }
}
