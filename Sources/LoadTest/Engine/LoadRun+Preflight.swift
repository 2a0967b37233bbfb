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
        let capacity = SlaveCapacity(
            share: totalWeight > 0 ? Double(link.spec.weight) / totalWeight : 1,
            sessionsPerCall: SlaveCapacity.sessionsPerCall(dest: link.spec.call.dest), peakRate: plan.pacer.curve.peak,
            limit: plan.wholeLimit ?? plan.limit, simulated: link.spec.simulated)
        let problems = capacity.problems(sessionsPerSecond: status.maxSessionsPerSecond, maxSessions: status.maxSessions)
        guard !problems.isEmpty else { return }
        let text = problems.joined(separator: "; ")
        if plan.refuseWhenOverLimits { throw .overLimits(slave: link.name, reason: text) }
        note("\(link.name): \(text)")
    }
}
