import ESL
import FreeSwitchSim
@testable import Switchy
import Synchronization

/// A simulated slave with a connected ``Client`` and ``EventListener``, as a user's
/// program has them, plus a log of every event the listener passes on.
///
/// The slave's sofia profile is `external` on 127.0.0.1:5080, so a call to
/// `<user>@127.0.0.1:5080` is a loop-back call: the listener hears both legs.
struct SimApps {
    let slave: SimSlave
    /// The slave's clock when the test moves time by hand.
    let clock: ManualClock?
    let listener: EventListener
    let client: Client
    let log: ListenerLog

    /// Starts a slave (on a manual clock unless `systemClock`), connects a client and a
    /// listener, and subscribes the listener to `extraEvents` too.
    static func start(systemClock: Bool = false, extraEvents: [String] = []) async throws -> SimApps {
        var configuration = SimConfiguration()
        let clock = systemClock ? nil : ManualClock()
        if let clock { configuration.clock = clock }
        configuration.timing.sessionsPerSecond = 1000
        let slave = try SimSlave.start(configuration)
        let listener = EventListener(host: "127.0.0.1", port: slave.port)
        let client = Client(host: "127.0.0.1", port: slave.port, listener: listener)
        let log = ListenerLog()
        listener.on("*") { event, _ in log.append(event) }
        listener.onCallEnded { call in log.callEnded(call) }
        try await client.connect()
        try await listener.connect()
        try listener.start()
        try await listener.subscribe(extraEvents, byName: false)
        return SimApps(slave: slave, clock: clock, listener: listener, client: client, log: log)
    }

    func stop() {
        listener.stop()
        client.close()
        slave.stop()
    }
}

/// The events a listener passed on (and the calls it saw end), and a way to wait for
/// some without sleeping: each arrival re-checks the waiters.
final class ListenerLog: Sendable {
    /// An event, or the end of a call (`event` nil, `uuid` the call's).
    struct Entry: Sendable {
        var name: String
        var uuid: String?
        var event: Event?
    }

    private struct Waiter {
        let predicate: @Sendable ([Entry]) -> Bool
        let continuation: CheckedContinuation<[Entry], Never>
    }

    private let state = Mutex<(entries: [Entry], waiters: [Waiter])>(([], []))

    func append(_ event: Event) {
        append(Entry(name: event.name ?? "", uuid: event.uniqueID, event: event))
    }

    func callEnded(_ call: Call) {
        append(Entry(name: "call ended", uuid: call.uuid, event: nil))
    }

    private func append(_ entry: Entry) {
        let ready = state.withLock { state -> [(Waiter, [Entry])] in
            state.entries.append(entry)
            var ready: [(Waiter, [Entry])] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(state.entries) else { return false }
                ready.append((waiter, state.entries))
                return true
            }
            return ready
        }
        for (waiter, entries) in ready { waiter.continuation.resume(returning: entries) }
    }

    /// The events so far.
    var events: [Event] { state.withLock { $0.entries.compactMap(\.event) } }

    /// Waits until `count` events named `name` (and matching `match`) have arrived, and
    /// returns them.
    @discardableResult
    func wait(for count: Int = 1, _ name: String, where match: @escaping @Sendable (Event) -> Bool = { _ in true })
        async -> [Event]
    {
        let wanted: @Sendable (Entry) -> Bool = { entry in
            entry.name == name && entry.event.map(match) == true
        }
        return await entries(count, wanted).filter(wanted).compactMap(\.event)
    }

    /// Waits for the first event named `name` (and matching `match`).
    @discardableResult
    func next(_ name: String, where match: @escaping @Sendable (Event) -> Bool = { _ in true }) async -> Event {
        await wait(for: 1, name, where: match)[0]
    }

    /// Waits until the listener has reported the call `uuid` ended (after its app's
    /// ``CallApp/callEnded(_:context:)``).
    func ended(_ uuid: String) async {
        _ = await entries(1) { $0.name == "call ended" && $0.uuid == uuid }
    }

    private func entries(_ count: Int, _ wanted: @escaping @Sendable (Entry) -> Bool) async -> [Entry] {
        await withCheckedContinuation { continuation in
            let seen = state.withLock { state -> [Entry]? in
                if state.entries.filter(wanted).count >= count { return state.entries }
                state.waiters.append(Waiter(predicate: { $0.filter(wanted).count >= count }, continuation: continuation))
                return nil
            }
            if let seen { continuation.resume(returning: seen) }
        }
    }
}
