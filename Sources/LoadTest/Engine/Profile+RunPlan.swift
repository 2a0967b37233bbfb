import Switchy

extension Profile {
    /// The engine's plan for this profile.
    /// - Parameters:
    ///   - runID: `switchy_run` of the calls.
    ///   - simulated: where each simulated slave (by its index in ``slaves``) listens;
    ///     the caller starts them.
    ///   - simulatedPassword: the password the simulated slaves were given.
    public func runPlan(runID: String, simulated: [Int: (host: String, port: Int)] = [:], simulatedPassword: String = "ClueCon")
        throws(RunError) -> RunPlan
    {
        var slaves: [RunPlan.Slave] = []
        for (index, slave) in self.slaves.enumerated() {
            let call = RunPlan.Call(profile: slave.call)
            switch slave.kind {
            case .remote(let remote):
                slaves.append(
                    RunPlan.Slave(
                        name: slave.label, host: remote.host, port: remote.port, password: remote.password.value,
                        weight: slave.weight, limit: slave.limit, call: call))
            case .simulated:
                guard let address = simulated[index] else {
                    throw .invalidPlan("simulated slave \(slave.label) was not started")
                }
                slaves.append(
                    RunPlan.Slave(
                        name: slave.label, host: address.host, port: address.port, password: simulatedPassword,
                        weight: slave.weight, limit: slave.limit, call: call, simulated: true))
            }
        }
        var seen: [String: Int] = [:]
        let apps = self.apps.map { app -> RunPlan.App in
            // The same app twice (say two tones) gets two ids: tone_play, tone_play-2.
            let count = (seen[app.name.rawValue] ?? 0) + 1
            seen[app.name.rawValue] = count
            let id = count == 1 ? app.name.rawValue : "\(app.name.rawValue)-\(count)"
            return RunPlan.App(name: id, weight: app.weight, app: app.makeCallApp())
        }
        var plan = RunPlan(
            name: name, runID: runID, slaves: slaves,
            pacer: Pacer(curve: load.rate, endTime: load.effectiveRunTime, maxCalls: load.maxOffered),
            limit: load.limit, holdSeconds: load.holdSeconds > 0 ? load.holdSeconds : nil, grace: load.effectiveGrace,
            lostAfter: load.lostAfter, apps: apps, refuseWhenOverLimits: preflight == .refuse,
            prepareSessionsPerSecond: prepare.sps, prepareMaxSessions: prepare.maxSessions)
        plan.search = try searchPlan()
        plan.aborts = try abortRules()
        return plan
    }
}

extension RunPlan.Call {
    init(profile call: Profile.Call) {
        var profile = "external"
        var gateway: String?
        switch call.endpoint {
        case .profile(let name): profile = name
        case .gateway(let name): gateway = name
        }
        self.init(
            dest: call.dest, profile: profile, gateway: gateway, proxy: call.proxy, target: call.target,
            variables: call.variables.map { (name: $0.name, value: $0.value) }, originateTimeout: call.originateTimeout,
            ignoreEarlyMedia: call.ignoreEarlyMedia, media: call.media)
    }
}
