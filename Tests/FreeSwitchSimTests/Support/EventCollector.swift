import ESL
import Synchronization

/// Collects a ``Connection``'s events and lets a test wait until they satisfy a
/// condition, without sleeping: each arriving event re-checks the waiters.
final class EventCollector: Sendable {
    private struct Waiter {
        let predicate: @Sendable ([Event]) -> Bool
        let continuation: CheckedContinuation<[Event], Never>
    }

    private let state = Mutex<(events: [Event], waiters: [Waiter], closed: Bool)>(([], [], false))

    init() {}

    /// Pass as `onEvent`.
    var onEvent: @Sendable (Event) -> Void {
        { [self] event in
            let ready = state.withLock { state -> [(Waiter, [Event])] in
                state.events.append(event)
                return takeReady(&state)
            }
            for (waiter, events) in ready { waiter.continuation.resume(returning: events) }
        }
    }

    /// Pass as `onClose`.
    var onClose: @Sendable (ESLError) -> Void {
        { [self] _ in
            let waiters = state.withLock { state -> [Waiter] in
                state.closed = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.continuation.resume(returning: state.withLock { $0.events }) }
        }
    }

    var events: [Event] { state.withLock { $0.events } }

    /// Waits until `predicate` holds for the events so far (or the connection closed).
    @discardableResult
    func wait(until predicate: @escaping @Sendable ([Event]) -> Bool) async -> [Event] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Event]? in
                if state.closed || predicate(state.events) { return state.events }
                state.waiters.append(Waiter(predicate: predicate, continuation: continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Waits until an event named `name` (and matching `where`) has arrived; returns it.
    @discardableResult
    func next(_ name: String, where match: @escaping @Sendable (Event) -> Bool = { _ in true }) async -> Event? {
        let events = await wait { $0.contains { $0.name == name && match($0) } }
        return events.first { $0.name == name && match($0) }
    }

    private func takeReady(_ state: inout (events: [Event], waiters: [Waiter], closed: Bool)) -> [(Waiter, [Event])] {
        var ready: [(Waiter, [Event])] = []
        state.waiters.removeAll { waiter in
            guard waiter.predicate(state.events) else { return false }
            ready.append((waiter, state.events))
            return true
        }
        return ready
    }
}
