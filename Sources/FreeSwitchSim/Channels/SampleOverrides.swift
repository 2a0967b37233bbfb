/// Per-channel values for the variables whose capture samples would be wrong for
/// this call (uuids, addresses, the destination, the SIP Call-ID); every other
/// variable takes its captured sample value.
struct SampleOverrides {
    let samples: [String: String]
    let overrides: [String: String]

    /// Sample values with their encoded lines, of the direction this set of values is for.
    let sampleLines: [String: SampleLines.Entry]

    init(samples: [String: String], sampleLines: [String: SampleLines.Entry], overrides: [String: String]) {
        self.samples = samples
        self.overrides = overrides
        self.sampleLines = sampleLines
    }

    func value(_ name: String) -> String { overrides[name] ?? samples[name] ?? "" }

    /// The value with its encoded line: ready-made for sample values.
    func entry(_ name: String) -> (value: String, line: [UInt8]?) {
        if let value = overrides[name] { return (value, nil) }
        guard let sample = sampleLines[name] else { return ("", nil) }
        return (sample.value, sample.line)
    }

    /// Values for an outbound sofia leg to `user@host[:port]`.
    static func outbound(
        channel: Channel, user: String, host: String, port: Int?, profile: SofiaProfile, sessionID: Int = 0
    ) -> SampleOverrides {
        let hostPort = port.map { "\(host):\($0)" } ?? host
        let uuid = channel.uuid
        let callID = String(uuid.reversed())
        return SampleOverrides(
            samples: SampleValues.outbound, sampleLines: SampleLines.outbound,
            overrides: [
                "direction": "outbound", "uuid": uuid, "call_uuid": uuid, "channel_name": channel.name,
                "session_id": String(sessionID), "sip_profile_name": profile.name,
                "sofia_profile_name": profile.name, "recovery_profile_name": profile.name,
                "sofia_profile_url": profile.url, "sip_local_network_addr": profile.sipIP,
                "local_media_ip": profile.sipIP, "advertised_media_ip": profile.sipIP,
                "sip_outgoing_contact_uri": "<\(profile.url)>", "sip_from_host": profile.sipIP,
                "sip_destination_url": "sip:\(user)@\(hostPort)", "sip_req_uri": "\(user)@\(hostPort)",
                "sip_to_host": hostPort, "sip_to_user": user, "sip_to_uri": "\(user)@\(hostPort)",
                "sip_to_port": port.map(String.init) ?? "5060", "sip_reply_host": host,
                "sip_reply_port": port.map(String.init) ?? "5060", "sip_network_ip": host,
                "sip_network_port": port.map(String.init) ?? "5060", "sip_contact_host": host,
                "sip_contact_port": port.map(String.init) ?? "5060", "sip_contact_user": user,
                "sip_contact_uri": "\(user)@\(hostPort)", "sip_full_to": "<sip:\(user)@\(hostPort)>;tag=8B55jcr3SpKtm",
                "sip_call_id": callID, "remote_media_ip": host, "sip_from_uri": "0000000000@\(profile.sipIP)",
            ])
    }

    /// The values an existing channel was created with.
    static func forChannel(_ channel: Channel) -> SampleOverrides {
        if let values = channel.values { return values }
        let destination = channel.profileFields.destination
        let host = channel.variables["sip_to_host"] ?? channel.profile.sipIP
        let bare = String(host.prefix { $0 != ":" })
        let port = host.contains(":") ? String(host.split(separator: ":").last ?? "5060") : "5060"
        if channel.direction == .inbound {
            return inbound(channel: channel, destination: destination, callID: channel.variables["sip_call_id"] ?? "")
        }
        return outbound(channel: channel, user: destination, host: bare, port: Int(port), profile: channel.profile)
    }

    /// Values for the inbound leg of a loop-back call.
    static func inbound(
        channel: Channel, destination: String, callID: String, sessionID: Int = 0
    ) -> SampleOverrides {
        let profile = channel.profile
        let address = "\(profile.sipIP):\(profile.sipPort)"
        return SampleOverrides(
            samples: SampleValues.inbound, sampleLines: SampleLines.inbound,
            overrides: [
                "direction": "inbound", "uuid": channel.uuid, "call_uuid": channel.uuid, "channel_name": channel.name,
                "session_id": String(sessionID), "sip_call_id": callID,
                "sofia_profile_name": profile.name, "recovery_profile_name": profile.name,
                "sofia_profile_url": profile.url, "sip_local_network_addr": profile.sipIP,
                "sip_network_ip": profile.sipIP, "sip_received_ip": profile.sipIP, "sip_req_user": destination,
                "sip_req_uri": "\(destination)@\(address)", "sip_req_host": profile.sipIP,
                "sip_req_port": String(profile.sipPort), "sip_to_user": destination,
                "sip_to_uri": "\(destination)@\(address)", "sip_to_host": profile.sipIP,
                "sip_to_port": String(profile.sipPort), "sip_full_to": "<sip:\(destination)@\(address)>",
                "sip_from_host": profile.sipIP, "sip_contact_host": profile.sipIP,
                "sip_contact_port": String(profile.sipPort), "local_media_ip": profile.sipIP,
                "advertised_media_ip": profile.sipIP, "remote_media_ip": profile.sipIP,
            ])
    }
}

/// The sample values with their `variable_<name>: <value>` lines, encoded once per
/// process (only the lines that decode back exactly; ``VariableStore`` encodes the
/// others), so a sample variable costs one lookup, not one per table.
enum SampleLines {
    struct Entry {
        let value: String
        let line: [UInt8]?
    }

    static let outbound = encode(SampleValues.outbound)
    static let inbound = encode(SampleValues.inbound)

    private static func encode(_ samples: [String: String]) -> [String: Entry] {
        samples.reduce(into: [:]) { result, pair in
            let header = "variable_" + pair.key
            let line = HeaderBlock.isReversible(header, pair.value) ? HeaderBlock.line(header, pair.value) : nil
            result[pair.key] = Entry(value: pair.value, line: line)
        }
    }
}
