import Switchy

/// A slave limit `prepare` changed for a run (`fsctl sps` / `fsctl max_sessions`), and
/// whether its previous value was put back at the end (`summary.json` `prepare`).
public struct PreparedSetting: Sendable, Equatable, Codable {
    public var slave: String
    /// `sps` or `max_sessions`: the `fsctl` command.
    public var setting: String
    /// The slave's value before the run.
    public var previous: Int
    /// The value the run set.
    public var value: Int
    /// Whether `previous` was set again at the end.
    public var restored = false
    /// Why it was not (the slave was down, the command failed).
    public var error: String?

    public init(slave: String, setting: String, previous: Int, value: Int, restored: Bool = false, error: String? = nil) {
        self.slave = slave
        self.setting = setting
        self.previous = previous
        self.value = value
        self.restored = restored
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case slave, setting, restored, error
        case previous = "was", value = "set"
    }
}

extension LoadRun {
    /// What `prepare` asks of a slave, as (fsctl setting, value): nothing for a
    /// simulated slave (it has its own `sim.sps` and `sim.max_sessions`).
    func preparation(for link: SlaveLink) -> [(setting: String, value: Int)] {
        guard !link.spec.simulated else { return [] }
        let wanted: [(String, Int?)] = [("sps", plan.prepareSessionsPerSecond), ("max_sessions", plan.prepareMaxSessions)]
        return wanted.compactMap { setting, value in value.map { (setting, $0) } }
    }

    /// Reads each setting `prepare` names on every slave (`fsctl sps`, `fsctl
    /// max_sessions` without a value only report it), sets those that differ, and reads
    /// the slave's limits back (`status`, for the summary). Called once every check has
    /// passed, so a refused run changes nothing; on a failure it puts back what it had
    /// set and throws.
    func applyPrepare() async throws(RunError) {
        for link in links {
            let wanted = preparation(for: link)
            for (setting, value) in wanted {
                do {
                    let reply = try await link.client.cmd("fsctl \(setting)")
                    guard let previous = SlaveFacts.fsctlValue(reply) else {
                        throw RunError.preflight(slave: link.name, reason: "cannot read `fsctl \(setting)`: \(reply)")
                    }
                    guard previous != value else { continue }
                    let set = try await link.client.cmd("fsctl \(setting) \(value)")
                    guard SlaveFacts.fsctlValue(set) == value else {
                        throw RunError.preflight(slave: link.name, reason: "`fsctl \(setting) \(value)` answered: \(set)")
                    }
                    let done = PreparedSetting(slave: link.name, setting: setting, previous: previous, value: value)
                    state.withLock { $0.prepared.append(done) }
                } catch {
                    throw await prepareFailed(link, error)
                }
            }
            guard !wanted.isEmpty else { continue }
            do { try await link.readStatus() } catch { throw await prepareFailed(link, error) }
        }
    }

    /// A slave back after it went down may have restarted, and a restarted FreeSWITCH
    /// has its configured limits again (`fsctl` changes last only as long as the
    /// process): sets what `prepare` asks once more, before the slave takes calls again.
    /// Returns what it changed, or could not, for the "is back" note (nil: nothing to do).
    func reapplyPrepare(_ link: SlaveLink) async -> String? {
        var said: [String] = []
        for (setting, value) in preparation(for: link) {
            do {
                let reply = try await link.client.cmd("fsctl \(setting)")
                guard let current = SlaveFacts.fsctlValue(reply) else {
                    said.append("cannot read `fsctl \(setting)` (\(reply))")
                    continue
                }
                guard current != value else { continue }
                let set = try await link.client.cmd("fsctl \(setting) \(value)")
                guard SlaveFacts.fsctlValue(set) == value else {
                    said.append("`fsctl \(setting) \(value)` answered \(set); it keeps \(current)")
                    continue
                }
                said.append("set `fsctl \(setting) \(value)` again (it had \(current))")
                state.withLock { state in
                    guard !state.prepared.contains(where: { $0.slave == link.name && $0.setting == setting }) else { return }
                    state.prepared.append(PreparedSetting(slave: link.name, setting: setting, previous: current, value: value))
                }
            } catch {
                said.append("could not set `fsctl \(setting) \(value)` again: \(error)")
            }
        }
        return said.isEmpty ? nil : "prepare: " + said.joined(separator: "; ")
    }

    /// Puts back what `prepare` had set; returns `error` as a preflight failure.
    private func prepareFailed(_ link: SlaveLink, _ error: any Error) async -> RunError {
        await restorePrepared()
        return error as? RunError ?? .preflight(slave: link.name, reason: "prepare: \(error)")
    }

    /// Puts back each slave's previous values: at the end of the run, however it ended
    /// (drained, interrupted, a slave down), or when preflight fails after `prepare`. A
    /// value that cannot be put back (its slave is down) is a warning saying what to do.
    func restorePrepared() async {
        let prepared = state.withLock { $0.prepared }
        var outcome = prepared
        for (index, setting) in prepared.enumerated() where !setting.restored {
            guard let link = links.first(where: { $0.name == setting.slave }) else { continue }
            do {
                let reply = try await link.client.cmd("fsctl \(setting.setting) \(setting.previous)")
                if SlaveFacts.fsctlValue(reply) == setting.previous {
                    outcome[index].restored = true
                } else {
                    outcome[index].error = reply
                }
            } catch {
                outcome[index].error = "\(error)"
            }
            if !outcome[index].restored {
                note(
                    "\(setting.slave): could not put `fsctl \(setting.setting) \(setting.previous)` back "
                        + "(\(outcome[index].error ?? "")); it may still be \(setting.value)")
            }
        }
        state.withLock { $0.prepared = outcome }
    }
}
