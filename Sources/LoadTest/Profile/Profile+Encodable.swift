/// The effective profile as JSON, for `summary.json`: the profile file's field names
/// with every default filled in, plus the resolved `load.hold_seconds`. A password is
/// written as its source (`env:ESL_PASSWORD`, `literal`, …), never its value.
extension Profile: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(name, forKey: "name")
        try container.encode(file, forKey: "file")
        try container.encode(slaves, forKey: "slaves")
        try container.encode(call, forKey: "call")
        try container.encode(load, forKey: "load")
        try container.encode(apps, forKey: "apps")
        try container.encode(thresholds.map { text in ThresholdItem(text: text, abort: aborts.first { $0.rule == text }) }, forKey: "thresholds")
        var report = container.nestedContainer(keyedBy: Key.self, forKey: "report")
        try report.encode(self.report.directory, forKey: "dir")
        try report.encode(self.report.formats.map(\.rawValue), forKey: "formats")
        var prepare = container.nestedContainer(keyedBy: Key.self, forKey: "prepare")
        try prepare.encodeIfPresent(self.prepare.sps, forKey: "sps")
        try prepare.encodeIfPresent(self.prepare.maxSessions, forKey: "max_sessions")
        try container.encode(preflight.rawValue, forKey: "preflight")
    }

    /// Any key, written as a string literal.
    struct Key: CodingKey, ExpressibleByStringLiteral {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(stringLiteral value: String) { stringValue = value }
    }
}

extension Profile.Secret: Encodable {
    /// Encodes the source only (`env:VAR`, `file:PATH`, `literal`, `default`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Profile.Slave: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Profile.Key.self)
        try container.encode(label, forKey: "label")
        switch kind {
        case .remote(let remote):
            try container.encode(remote.host, forKey: "host")
            try container.encode(remote.port, forKey: "port")
            try container.encode(remote.password, forKey: "password")
        case .simulated(let sim):
            try container.encode(sim, forKey: "sim")
        }
        try container.encode(weight, forKey: "weight")
        try container.encodeIfPresent(limit, forKey: "limit")
        try container.encode(call, forKey: "call")
    }
}

extension Profile.Call: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Profile.Key.self)
        try container.encode(dest, forKey: "dest")
        switch endpoint {
        case .profile(let name): try container.encode(name, forKey: "profile")
        case .gateway(let name): try container.encode(name, forKey: "gateway")
        }
        try container.encodeIfPresent(proxy, forKey: "proxy")
        switch target {
        case .app(let name, let args): try container.encode(args.isEmpty ? name : "\(name)(\(args))", forKey: "app")
        case .dialplan(let exten, _, let context):
            try container.encode(exten, forKey: "dp_exten")
            try container.encode(context, forKey: "context")
        case nil: break
        }
        // A list of one-member objects keeps the order in JSON.
        try container.encode(variables.map { [$0.name: $0.value] }, forKey: "variables")
        try container.encode(originateTimeout, forKey: "originate_timeout")
        try container.encode(ignoreEarlyMedia, forKey: "ignore_early_media")
        if media != .none { try container.encode(media.rawValue, forKey: "media") }
    }
}

extension Profile.Load: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Profile.Key.self)
        switch rate {
        case _ where search != nil: try container.encodeIfPresent(search, forKey: "search")
        case .constant(let rate): try container.encode(rate, forKey: "rate")
        case .linear(let from, let to, let over):
            try container.encode(["from": from, "to": to, "over": over], forKey: "ramp")
        case .stepped(let stages):
            var ramp = container.nestedContainer(keyedBy: Profile.Key.self, forKey: "ramp")
            try ramp.encode(stages.map { ["rate": $0.rate, "for": $0.seconds] }, forKey: "stages")
        }
        try container.encode(limit, forKey: "limit")
        switch duration {
        case .auto: try container.encode("auto", forKey: "duration")
        case .seconds(let seconds): try container.encode(seconds, forKey: "duration")
        }
        try container.encode(holdSeconds, forKey: "hold_seconds")
        try container.encodeIfPresent(maxOffered, forKey: "max_offered")
        try container.encodeIfPresent(effectiveRunTime, forKey: "run_time")
        try container.encode(effectiveGrace, forKey: "grace")
        try container.encode(lostAfter, forKey: "lost_after")
    }
}

extension Profile.Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number) where number.isFinite: try container.encode(number)
        case .number(let number): try container.encode("\(number)")  // JSON has no Infinity or NaN
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}
