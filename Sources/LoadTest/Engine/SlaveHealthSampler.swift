import Dispatch
import ESL
import Switchy
import Synchronization

/// Reads each slave's own figures once a second while a run goes: `api status` on the
/// slave's ``SlaveLink/monitor`` connection (never the event connection, nor the
/// originates' or the hangups' connections, whose commands it would delay), parsed by
/// ``SlaveHealth/Status``; and the `Idle-CPU` of the HEARTBEATs its event connection
/// already receives.
///
/// The run's sweeper calls ``sample(second:)`` at the end of each second. It never
/// waits: it sends the command and returns, and the reply fills the slave's row for
/// that second when it comes. A slave that is not up, or has not answered the previous
/// second's read yet, is not asked: its row for that second stays empty (a gap in
/// `timeline.csv`, counted as `missed`), never zeros. A monitor connection that closed
/// while its slave is up is opened again in the background.
final class SlaveHealthSampler: Sendable {
    private let links: [SlaveLink]
    private let connectTimeout: Double
    private let state: Mutex<State>

    private struct State {
        /// Each slave's rows by second, empty until their reply comes.
        var rows: [[Int: SlaveHealthRow]]
        /// The second each slave's unanswered read was sent for.
        var pending: [Int?]
        var reconnecting: [Bool]
        var lowestHeartbeat: [Double?]
        /// Each slave's latest reading (the row of the highest second with one).
        var latest: [SlaveHealthRow?]
        var stopped = false
        /// Waiting in ``settled(within:)``, by id.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    init(links: [SlaveLink], connectTimeout: Double) {
        self.links = links
        self.connectTimeout = connectTimeout
        state = Mutex(
            State(
                rows: Array(repeating: [:], count: links.count), pending: Array(repeating: nil, count: links.count),
                reconnecting: Array(repeating: false, count: links.count),
                lowestHeartbeat: Array(repeating: nil, count: links.count),
                latest: Array(repeating: nil, count: links.count)))
    }

    /// Keeps the lowest `Idle-CPU` of each slave's HEARTBEATs from now on.
    func listen() {
        for (index, link) in links.enumerated() {
            link.listener.on("HEARTBEAT") { [weak self] event, _ in
                guard let idle = event["Idle-CPU"].flatMap(Double.init) else { return }
                self?.state.withLock { state in
                    guard !state.stopped else { return }
                    state.lowestHeartbeat[index] = min(state.lowestHeartbeat[index] ?? idle, idle)
                }
            }
        }
    }

    /// Reads every slave's status for `second` (the row of `timeline.csv` that ends now).
    func sample(second: Int) {
        for (index, link) in links.enumerated() {
            guard let monitor = link.monitor else { continue }
            let ask = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.rows[index][second] = SlaveHealthRow(second: second, slave: link.name)
                guard link.health == .up, state.pending[index] == nil else { return false }
                if !monitor.isConnected {
                    if !state.reconnecting[index] {
                        state.reconnecting[index] = true
                        Task { await self.reopen(index) }
                    }
                    return false
                }
                state.pending[index] = second
                return true
            }
            guard ask, let command = try? Command.api("status") else { continue }
            monitor.send(command) { [weak self] reply in
                let status = (try? reply.get()).map { SlaveHealth.Status(parsing: $0.bodyText) }
                self?.received(status, slave: index, second: second)
            }
        }
    }

    private func received(_ status: SlaveHealth.Status?, slave index: Int, second: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.pending[index] == second else { return [] }
            state.pending[index] = nil
            if !state.stopped, let status, status.sessions != nil || status.idleCPU != nil {
                state.rows[index][second]?.sessions = status.sessions
                state.rows[index][second]?.sessionsPerSecond = status.sessionsPerSecond
                state.rows[index][second]?.idleCPU = status.idleCPU
                if let row = state.rows[index][second], second >= state.latest[index]?.second ?? .min {
                    state.latest[index] = row
                }
            }
            guard state.pending.allSatisfy({ $0 == nil }) else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no read is waiting for its reply (a reply, or its connection
    /// failing, settles each), or after `seconds` of real time: the run calls it before
    /// ``finish()`` so that its last second keeps the readings a slave sends within that
    /// time, and never waits longer for a slave that does not answer.
    func settled(within seconds: Double) async {
        await withCheckedContinuation { continuation in
            let id = state.withLock { state -> Int? in
                guard state.pending.contains(where: { $0 != nil }) else { return nil }
                state.nextWaiter += 1
                state.waiters[state.nextWaiter] = continuation
                return state.nextWaiter
            }
            guard let id else { return continuation.resume() }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
    }

    /// Opens a slave's monitor connection again; closes it at once if the run ended
    /// meanwhile (the run closes its links after ``finish()``, maybe before this returns).
    private func reopen(_ index: Int) async {
        let monitor = links[index].monitor
        try? await monitor?.connect(options: Connection.Options(connectTimeout: connectTimeout))
        let stopped = state.withLock { state in
            state.reconnecting[index] = false
            return state.stopped
        }
        if stopped { monitor?.close() }
    }

    /// Each slave's latest reading, in the links' order (nil: none yet), for the
    /// live figures of a progress snapshot.
    func latest() -> [SlaveHealthRow?] {
        state.withLock { $0.latest }
    }

    /// The slaves' figures read for the seconds (`from`, `to`] of the run (rows
    /// ⌈from⌉ + 1 … ⌈to⌉, as `timeline.csv` numbers them), as threshold metrics:
    /// `slave_idle_cpu.min`, `slave_sessions.max`, `slave_sps.max` over every slave; a
    /// figure without a reading in those seconds is left out (no data).
    func figures(from: Double, to: Double) -> [String: Double] {
        let first = Int(from.rounded(.up)) + 1, last = Int(to.rounded(.up))
        guard first <= last else { return [:] }
        let perSlave = state.withLock { state in state.rows.map { Array($0.filter { (first...last).contains($0.key) }.values) } }
        // The run's own definitions: each slave's summary of those seconds, then over all.
        return MetricSource.healthValues(perSlave.compactMap { SlaveHealth.Summary(rows: $0, heartbeatIdleCPU: nil) })
    }

    /// Stops sampling (replies still to come are dropped: their seconds stay gaps) and
    /// returns what was read.
    func finish() -> SlaveHealth.Record {
        let (rows, lowest) = state.withLock { state in
            state.stopped = true
            return (state.rows, state.lowestHeartbeat)
        }
        var record = SlaveHealth.Record()
        let seconds = Set(rows.flatMap(\.keys)).sorted()
        for second in seconds {
            for slave in rows.indices { if let row = rows[slave][second] { record.rows.append(row) } }
        }
        for (index, link) in links.enumerated() {
            if let idle = lowest[index] { record.lowestHeartbeatIdleCPU[link.name] = idle }
        }
        return record
    }
}
