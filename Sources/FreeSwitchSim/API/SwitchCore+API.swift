/// The api commands a simulated FreeSWITCH answers (esl-protocol.md §3.1, §8), with
/// the output texts of the captures. Runs with the core's lock held.
extension SwitchCore {
    /// Runs `command arguments`; `completion` gets the output, at once or (for
    /// `originate`) when the call resolves. The API event fires when the command
    /// returns, stamped with its start.
    func runAPI(_ command: String, _ arguments: String, completion: @escaping (String) -> Void) {
        let start = tickedNow
        let job = PendingJob(
            fireAPI: { [weak self] in
                var headers: [(name: String, value: String)] = [("API-Command", command)]
                if !arguments.isEmpty { headers.append(("API-Command-Argument", arguments)) }
                self?.fire("API", headers, time: start)
            }, complete: completion)
        let words = arguments.split(separator: " ").map(String.init)
        let body: String
        switch command.lowercased() {
        case "originate":
            originate(arguments, job: job)
            return
        case "status": body = statusText()
        case "version": body = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
        case "global_getvar": body = globalVariable(arguments)
        case "show": body = show(arguments)
        case "hupall": body = hupall(words)
        case "uuid_kill": body = uuidKill(words, job: job)
        case "uuid_exists": body = words.first.map { channels[$0] != nil ? "true" : "false" } ?? "false"
        case "uuid_setvar": body = uuidSetVariable(words)
        case "uuid_getvar":
            guard words.count >= 2, let channel = channels[words[0]] else { body = "-ERR No such channel!\n"; break }
            body = channel.variables[words[1]] ?? "_undef_"
        case "uuid_broadcast": body = uuidBroadcast(words)
        case "uuid_record": body = uuidRecord(words)
        case "uuid_send_dtmf": body = uuidSendDTMF(words)
        case "uuid_ring_ready": body = uuidRingReady(words)
        case "sched_hangup": body = schedHangup(words)
        case "fsctl": body = fsctl(words)
        case "sofia": body = sofia(words)
        default: body = "-ERR \(command) Command not found!\n"
        }
        job.finish(body)
    }

    func statusText() -> String {
        throttle.roll(to: throttleSecond)
        return """
            UP \(Uptime.text(now - startedAt))
            FreeSWITCH (Version 1.10.12-release  64bit) is ready
            \(throttle.sinceStartup) session(s) since startup
            \(throttle.sessions) session(s) - peak \(throttle.peakSessions), last 5min \(throttle.peakSessions) \n\
            \(throttle.lastSecond) session(s) per Sec out of max \(throttle.sessionsPerSecond), peak \(throttle.peakPerSecond), last 5min \(throttle.peakPerSecond) \n\
            \(throttle.maxSessions) session(s) max
            min idle cpu 0.00/98.70
            Current Stack Size/Max 240K/240K

            """
    }

    private func globalVariable(_ name: String) -> String {
        let identity = factory.identity
        let values = [
            "local_ip_v4": identity.ipv4, "local_ip_v6": identity.ipv6, "hostname": identity.hostname,
            "switch_serial": identity.switchname, "core_uuid": identity.coreUUID,
            "sip_profile": profiles.first?.name ?? "",
        ]
        return values[name] ?? ""
    }

    private func show(_ arguments: String) -> String {
        let words = arguments.lowercased().split(separator: " ").map(String.init)
        let live = channelOrder.compactMap { channels[$0] }
        switch words {
        case ["calls", "count"]:
            return "\n\(live.filter { $0.direction == .outbound || $0.call.peer == nil }.count) total.\n"
        case ["channels", "count"]:
            return "\n\(live.count) total.\n"
        case ["channels", "as", "json"], ["calls", "as", "json"]:
            guard !live.isEmpty else { return "{\"row_count\": 0}\n" }
            var out: [UInt8] = Array("{\"row_count\": \(live.count), \"rows\": [".utf8)
            for (index, channel) in live.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                let fields: [(String, String)] = [
                    ("uuid", channel.uuid), ("direction", channel.direction.rawValue),
                    ("created_epoch", String(channel.profileFields.created / 1_000_000)), ("name", channel.name),
                    ("state", channel.state.name), ("cid_name", channel.profileFields.callerIDName),
                    ("cid_num", channel.profileFields.callerIDNumber), ("dest", channel.profileFields.destination),
                    ("application", channel.call.application?.name ?? ""),
                    ("application_data", channel.call.application?.arguments ?? ""),
                    ("callstate", channel.callState.name), ("call_uuid", channel.uuid),
                    ("hostname", factory.identity.hostname),
                ]
                out.append(UInt8(ascii: "{"))
                for (offset, field) in fields.enumerated() {
                    if offset > 0 { out.append(UInt8(ascii: ",")) }
                    JSONText.appendString(field.0, to: &out)
                    out.append(UInt8(ascii: ":"))
                    JSONText.appendString(field.1, to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out += Array("]}\n".utf8)
            return String(decoding: out, as: UTF8.self)
        default:
            return "-USAGE: show calls|channels [count|as json]\n"
        }
    }

    /// `hupall [cause [var value …]]`; a variable without a value is dropped.
    private func hupall(_ words: [String]) -> String {
        var cause = words.first.map(HangupCause.parse) ?? .managerRequest
        if cause.code == 0 { cause = .managerRequest }
        var pairs: [(String, String)] = []
        var index = 1
        while index + 1 < words.count {
            pairs.append((words[index], words[index + 1]))
            index += 2
        }
        let targets = channelOrder.compactMap { channels[$0] }.filter { channel in
            pairs.allSatisfy { channel.variables[$0.0] == $0.1 }
        }
        for channel in targets where channel.isUp { hangup(channel, cause: cause) }
        guard let first = pairs.first else { return "+OK hangup all channels with cause \(cause.name)\n" }
        let more = pairs.count > 1 ? "..." : ""
        return "+OK hangup all channels matching [\(first.0)]=[\(first.1)]\(more) with cause: \(cause.name)\n"
    }

    private func uuidKill(_ words: [String], job: PendingJob) -> String {
        guard let uuid = words.first else { return "-USAGE: <uuid> [cause]\n" }
        guard let channel = channels[uuid], channel.isUp else { return "-ERR No such channel!\n" }
        let cause = words.count > 1 ? HangupCause.parse(words[1]) : .normalClearing
        hangup(channel, cause: cause, afterHangup: { job.api() })
        return "+OK\n"
    }

    private func uuidSetVariable(_ words: [String]) -> String {
        guard words.count >= 2 else { return "-USAGE: <uuid> <var> [value]\n" }
        guard let channel = channels[words[0]] else { return "-ERR No such channel!\n" }
        channel.variables.set(words[1], words.dropFirst(2).joined(separator: " "))
        return "+OK\n"
    }

    /// `sched_hangup +N|<epoch> <uuid> [cause]` (default ALLOTTED_TIMEOUT).
    private func schedHangup(_ words: [String]) -> String {
        guard words.count >= 2 else { return "-USAGE: [+]<time> <uuid> [<cause>]\n" }
        guard let channel = channels[words[1]], channel.isUp else { return "-ERR No such channel!\n" }
        let cause = words.count > 2 ? HangupCause.parse(words[2]) : .allottedTimeout
        let when = words[0]
        let seconds: Int
        if when.hasPrefix("+") {
            seconds = Int(when.dropFirst()) ?? 0
        } else {
            seconds = max(0, (Int(when) ?? 0) - Int(now / 1_000_000))
        }
        scheduleHangup(channel, seconds: seconds, cause: cause)
        return "+OK\n"
    }

    private func fsctl(_ words: [String]) -> String {
        guard let command = words.first?.lowercased() else {
            return "-USAGE: [recover|send_sighup|hupall|pause [inbound|outbound]|resume [inbound|outbound]|shutdown [cancel|elegant|asap|now|restart]|sps|sps_peak_reset|sync_clock|sync_clock_when_idle|reclaim_mem|max_sessions|min_dtmf_duration [num]|max_dtmf_duration [num]|default_dtmf_duration [num]|min_idle_cpu|loglevel [level]|debug_level [level]|mdns_resolve [enable|disable]]\n"
        }
        let value = words.count > 1 ? Int(words[1]) : nil
        switch command {
        case "sps":
            if let value { throttle.setSessionsPerSecond(value) }
            return "+OK sessions per second: \(throttle.sessionsPerSecond)\n"
        case "max_sessions":
            if let value { throttle.maxSessions = value }
            return "+OK max sessions: \(throttle.maxSessions)\n"
        case "last_sps":
            throttle.roll(to: throttleSecond)
            return "+OK last sessions per second: \(throttle.lastSecond)\n"
        case "sps_peak_reset": return "+OK max sessions per second counter reset\n"
        case "hupall":
            _ = hupall(["MANAGER_REQUEST"])
            return "+OK\n"
        case "verbose_events": return "+OK verbose_events is off \n"
        default: return "+OK\n"
        }
    }
}
