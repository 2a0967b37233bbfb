import Switchy

extension Profile {
    /// The engine's plan for this profile.
    /// - Parameters:
    ///   - runID: `switchy_run` of the calls.
    ///   - simulated: where each simulated slave (by its index in ``slaves``) listens;
    ///     the caller starts them.
    ///   - simulatedPassword: the password the simulated slaves were given.
    ///   - segment: the share of the scenario to run (``ExecutionSegment``): its pacer
    ///     paces that share of the schedule, and `load.limit`, each slave's `limit` and
    ///     `max_offered` are split by ``ExecutionSegment/share(of:)``.
    /// - Throws: ``RunError/invalidPlan(_:)`` also when a cap is too small to give the
    ///   segment a share (a `limit` of 2 split 3 ways leaves segment 3 none).
    public func runPlan(
        runID: String, simulated: [Int: (host: String, port: Int)] = [:], simulatedPassword: String = "ClueCon",
        segment: ExecutionSegment = .whole
    ) throws(RunError) -> RunPlan {
        try checkSplit(into: segment)
        func split(_ cap: Int?, _ field: String) -> Int? { cap.map { segment.share(of: $0) } }
        var slaves: [RunPlan.Slave] = []
        for (index, slave) in self.slaves.enumerated() {
            let call = RunPlan.Call(profile: slave.call)
            switch slave.kind {
            case .remote(let remote):
                slaves.append(
                    RunPlan.Slave(
                        name: slave.label, host: remote.host, port: remote.port, password: remote.password.value,
                        weight: slave.weight, limit: split(slave.limit, "slaves[\(index)].limit"), call: call))
            case .simulated:
                guard let address = simulated[index] else {
                    throw .invalidPlan("simulated slave \(slave.label) was not started")
                }
                slaves.append(
                    RunPlan.Slave(
                        name: slave.label, host: address.host, port: address.port, password: simulatedPassword,
                        weight: slave.weight, limit: split(slave.limit, "slaves[\(index)].limit"), call: call,
                        simulated: true))
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
            pacer: Pacer(
                curve: load.rate, endTime: load.effectiveRunTime, maxCalls: split(load.maxOffered, "load.max_offered"),
                segment: segment),
            limit: split(load.limit, "load.limit"), holdSeconds: load.holdSeconds > 0 ? load.holdSeconds : nil, grace: load.effectiveGrace,
            lostAfter: load.lostAfter, apps: apps, refuseWhenOverLimits: preflight == .refuse,
            prepareSessionsPerSecond: prepare.sps, prepareMaxSessions: prepare.maxSessions)
        plan.wholeLimit = load.limit
        plan.search = try searchPlan()
        plan.search?.share = segment.part(of: 1)
        plan.aborts = try abortRules()
        return plan
    }
}

extension Profile {
    /// Refuses a split that leaves `segment` no share of a cap: `load.limit`, a
    /// slave's `limit` or `max_offered` below the number of segments (a `limit` of 2
    /// split 3 ways gives segment 3 none), naming the field.
    /// - Throws: ``RunError/invalidPlan(_:)``.
    public func checkSplit(into segment: ExecutionSegment) throws(RunError) {
        let caps = [("load.limit", load.limit as Int?), ("load.max_offered", load.maxOffered)]
            + slaves.enumerated().map { ("slaves[\($0.offset)].limit", $0.element.limit) }
        for case (let field, let cap?) in caps where segment.share(of: cap) == 0 {
            throw .invalidPlan(
                "\(field) \(cap) cannot be split into \(segment.count) segments: segment \(segment) would get none "
                    + "(each segment needs at least 1; raise it to \(segment.count) or more, or use fewer segments)")
        }
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
