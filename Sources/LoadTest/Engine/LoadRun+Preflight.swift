import Foundation
import ESL
import Switchy

extension LoadRun {
    /// Connects to every slave, reads its limits, checks them against the plan (with
    /// the values `prepare` will set), loads the apps, and only then — the run will go
    /// ahead — applies `prepare` (``applyPrepare()``; ``restorePrepared()`` undoes it).
    func preflight() async throws(RunError) {
        // Connect to all slaves at once; report the first failure in profile order.
        let failures: [Int: ESLError] = await withTaskGroup(of: (Int, ESLError?).self) { group in
            for (index, link) in links.enumerated() {
                group.addTask {
                    do throws(ESLError) {
                        try await link.connect(timeout: self.plan.connectTimeout)
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var failures: [Int: ESLError] = [:]
            for await (index, error) in group { if let error { failures[index] = error } }
            return failures
        }
        if let first = failures.keys.min(), let error = failures[first] {
            for link in links { link.close() }
            throw .connect(slave: links[first].name, error)
        }
        for link in links { wire(link) }
        for link in links {
            do {
                try await link.prepare(plan: plan)
                try checkLimits(link)
                for app in plan.apps { try await link.client.loadApp(app.app, id: AppID(rawValue: app.name)) }
            } catch {
                for link in links { link.close() }
                if let error = error as? RunError { throw error }
                throw .preflight(slave: link.name, reason: "\(error)")
            }
        }
        do { try await applyPrepare() } catch {
            for link in links { link.close() }
            throw error
        }
    }

    /// Warns (or refuses) when a slave's share of the plan exceeds its limits: those
    /// `prepare` will set, else those it has.
    private func checkLimits(_ link: SlaveLink) throws(RunError) {
        guard var status = link.status else { return }
        for (setting, value) in preparation(for: link) {
            if setting == "sps" { status.maxSessionsPerSecond = value } else { status.maxSessions = value }
        }
        let totalWeight = Double(links.reduce(0) { $0 + max(0, $1.spec.weight) })
        let share = totalWeight > 0 ? Double(link.spec.weight) / totalWeight : 1
        // A call to the slave's own SIP address ({sip}) is two sessions on it: the
        // outbound leg and the inbound one (FreeSWITCH counts both).
        let sessionsPerCall = link.spec.call.dest.contains("{sip}") ? 2.0 : 1.0
        let peakSessions = plan.pacer.curve.peak * share * sessionsPerCall
        var problems: [String] = []
        if let sps = status.maxSessionsPerSecond, peakSessions > Double(sps) * 0.95 {
            problems.append(
                "its share of the peak rate needs \(format(peakSessions)) sessions/s"
                    + (sessionsPerCall > 1 ? " (a call to itself is 2 sessions)" : "")
                    + ", over its sessions-per-second limit (\(sps)); raise it with "
                    + (link.spec.simulated ? "its sim.sps" : "prepare.sps or `fsctl sps`"))
        }
        if let max = status.maxSessions, let limit = plan.limit, Double(limit) * share * sessionsPerCall > Double(max) {
            problems.append(
                "its share of the call limit needs \(format(Double(limit) * share * sessionsPerCall)) sessions, "
                    + "over its max-sessions (\(max))")
        }
        guard !problems.isEmpty else { return }
        let text = problems.joined(separator: "; ")
        if plan.refuseWhenOverLimits { throw .overLimits(slave: link.name, reason: text) }
        note("\(link.name): \(text)")
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
