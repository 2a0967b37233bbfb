extension Profile {
    /// A short human description of the effective scenario, one fact per line, for
    /// `switchy check` and the start of a run. Never contains a password (a remote
    /// slave's shows only where it comes from, e.g. `env:ESL_PASSWORD`).
    public var summary: [String] {
        var lines = ["profile \(name) (\(file))"]
        lines.append("slaves:     \(slaves.count)")
        for slave in slaves {
            var text = "  \(slave.label)"
            switch slave.kind {
            case .remote(let remote): text += "  password \(remote.password)"
            case .simulated(let sim):
                text += "  simulated: answer after \(Self.format(sim.answerDelay)) s, ring after \(Self.format(sim.ringDelay)) s"
                text += ", \(sim.sps) sps, max \(sim.maxSessions) sessions"
                if sim.failureRatio > 0 { text += ", \(Self.format(sim.failureRatio * 100))% fail" }
                if sim.lossPercent > 0 || sim.jitterMs > 0 {
                    text += ", RTP loss \(Self.format(sim.lossPercent))%, jitter \(Self.format(sim.jitterMs)) ms"
                }
                if !sim.faults.isEmpty { text += ", faults: \(sim.faults.keys.sorted().joined(separator: ", "))" }
            }
            if slave.weight != 1 { text += "  weight \(slave.weight)" }
            if let limit = slave.limit { text += "  limit \(limit)" }
            if slave.call != call { text += "  call: \(Self.describe(slave.call))" }
            lines.append(text)
        }
        lines.append("call:       \(Self.describe(call))")
        lines.append(load.search.map { "search:     \(Self.describe($0, holdSeconds: load.holdSeconds))" } ?? "rate:       \(Self.describe(load.rate))")
        lines.append("limit:      \(load.limit) concurrent calls")
        switch load.duration {
        case .auto: lines.append("hold:       \(load.holdSeconds) s after answer (auto: limit / peak rate)")
        case .seconds(0): lines.append("hold:       not limited by switchy (the app or the far end hangs up)")
        case .seconds(let seconds): lines.append("hold:       \(seconds) s after answer")
        }
        var stops: [String] = []
        if let runTime = load.effectiveRunTime { stops.append("after \(Self.format(runTime)) s") }
        if let maxOffered = load.maxOffered { stops.append("after \(maxOffered) calls offered") }
        lines.append("stop:       \(stops.joined(separator: " or "))\(stops.count > 1 ? ", whichever first" : ""); grace \(Self.format(load.effectiveGrace)) s")
        lines.append(
            load.holdSeconds > 0
                ? "lost:       a call with no end seen \(Self.format(load.lostAfter)) s past originate_timeout + hold"
                : "lost:       a call with no end seen by the end of the run (no hold time, so no earlier bound)")
        let mix = apps.map { app in
            let share = Self.format((app.share(in: apps) * 1000).rounded() / 10)
            let args = app.args.keys.sorted().map { "\($0)=\(Self.describe(app.args[$0]!))" }
            return "\(app.name.rawValue) \(share)%" + (args.isEmpty ? "" : " (\(args.joined(separator: ", ")))")
        }
        lines.append("apps:       \(mix.joined(separator: ", "))")
        lines.append("thresholds: \(thresholds.isEmpty ? "none" : thresholds.map(describeThreshold).joined(separator: "; "))")
        lines.append("report:     \(report.directory)/<UTC time>-\(name)/ (\(report.formats.map(\.rawValue).joined(separator: ", ")))")
        var prepared: [String] = []
        if let sps = prepare.sps { prepared.append("fsctl sps \(sps)") }
        if let maxSessions = prepare.maxSessions { prepared.append("fsctl max_sessions \(maxSessions)") }
        lines.append("prepare:    \(prepared.isEmpty ? "nothing" : prepared.joined(separator: ", ")); preflight: \(preflight.rawValue)")
        return lines
    }

    static func describe(_ call: Call) -> String {
        var text: String
        switch call.endpoint {
        case .profile(let profile): text = "sofia/\(profile)/\(call.dest)"
        case .gateway(let gateway): text = "sofia/gateway/\(gateway)/\(call.dest)"
        }
        if let proxy = call.proxy { text += ";fs_path=sip:\(proxy)" }
        switch call.target {
        case .app(let name, let args): text += " &\(name)(\(args))"
        case .dialplan(let exten, let dialplan, let context): text += " \(exten) \(dialplan) \(context)"
        case nil: text += " (each app's own target)"
        }
        text += ", originate_timeout \(call.originateTimeout) s"
        if !call.ignoreEarlyMedia { text += ", early media counts as answer" }
        if call.media != .none { text += ", media \(call.media.rawValue)" }
        if !call.variables.isEmpty { text += ", variables: " + call.variables.map { "\($0.name)=\($0.value)" }.joined(separator: ",") }
        return text
    }

    static func describe(_ rate: RateCurve) -> String {
        switch rate {
        case .constant(let rate): "\(format(rate)) calls/s"
        case .linear(let from, let to, let over): "ramp \(format(from)) → \(format(to)) calls/s over \(format(over)) s"
        case .stepped(let stages):
            "stages " + stages.map { "\(format($0.rate)) calls/s for \(format($0.seconds)) s" }.joined(separator: ", ")
        }
    }

    static func describe(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .number(let number): format(number)
        case .string(let text): text
        case .array(let items): "[" + items.map(describe).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.keys.sorted().map { "\($0): \(describe(members[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    static func format(_ value: Double) -> String { value.compactText }
}
