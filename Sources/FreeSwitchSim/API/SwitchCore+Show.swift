/// `show channels|calls [count|as json]` (mod_commands `show_function`) with the
/// output shapes of captures 01, 06 and 26. Runs with the core's lock held.
extension SwitchCore {
    /// The columns of `show channels` (capture 26).
    static let channelColumns = [
        "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
        "application", "application_data", "dialplan", "context", "read_codec", "read_rate", "read_bit_rate",
        "write_codec", "write_rate", "write_bit_rate", "secure", "hostname", "presence_id", "presence_data",
        "accountcode", "callstate", "callee_name", "callee_num", "callee_direction", "call_uuid", "sent_callee_name",
        "sent_callee_num", "initial_cid_name", "initial_cid_num", "initial_ip_addr", "initial_dest",
        "initial_dialplan", "initial_context",
    ]

    /// The columns of `show calls` (capture 26): the a-leg's, then its bridged b-leg's.
    static let callColumns = [
        "uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
        "presence_id", "presence_data", "accountcode", "callstate", "callee_name", "callee_num", "callee_direction",
        "call_uuid", "hostname", "sent_callee_name", "sent_callee_num", "b_uuid", "b_direction", "b_created",
        "b_created_epoch", "b_name", "b_state", "b_cid_name", "b_cid_num", "b_ip_addr", "b_dest", "b_presence_id",
        "b_presence_data", "b_accountcode", "b_callstate", "b_callee_name", "b_callee_num", "b_callee_direction",
        "b_sent_callee_name", "b_sent_callee_num", "call_created_epoch",
    ]

    func show(_ arguments: String) -> String {
        let words = arguments.lowercased().split(separator: " ").map(String.init)
        let live = channelOrder.compactMap { channels[$0] }
        // A call is an originated leg or a leg with no peer (an unbridged `&park()` leg
        // counts, capture 26).
        let calls = live.filter { $0.direction == .outbound || $0.call.peer == nil }
        switch words {
        case ["calls", "count"]: return "\n\(calls.count) total.\n"
        case ["channels", "count"]: return "\n\(live.count) total.\n"
        case ["channels"]: return table(Self.channelColumns, rows: live.map(channelRow))
        case ["calls"]: return table(Self.callColumns, rows: calls.map(callRow))
        case ["channels", "as", "json"], ["calls", "as", "json"]: return json(live)
        default: return "-USAGE: show calls|channels [count|as json]\n"
        }
    }

    /// The CSV of `show`: the header line (only when there are rows), the rows, a
    /// blank line and `N total.`.
    private func table(_ columns: [String], rows: [[String]]) -> String {
        var out = ""
        if !rows.isEmpty { out += columns.joined(separator: ",") + "\n" }
        for row in rows { out += row.joined(separator: ",") + "\n" }
        return out + "\n\(rows.count) total.\n"
    }

    private func channelRow(_ channel: Channel) -> [String] {
        let fields = channel.profileFields
        let application = channel.call.application
        // Only an inbound leg has an address of its own here (capture 26's outbound rows do not).
        let address = channel.direction == .inbound ? fields.networkAddr ?? "" : ""
        let codec = channel.hasCodec ? ["PCMU", "8000", "64000", "PCMU", "8000", "64000"] : ["", "", "", "", "", ""]
        return [
            channel.uuid, channel.direction.rawValue, factory.localStamp(fields.created / 1_000_000),
            String(fields.created / 1_000_000), channel.name, channel.state.name, fields.callerIDName,
            fields.callerIDNumber, address, fields.destination, application?.name ?? "",
            application?.arguments ?? "", fields.dialplan ?? "", fields.context,
        ] + codec + [
            "", factory.identity.switchname, "", "", "", channel.callState.name, fields.calleeIDName,
            fields.calleeIDNumber, channel.isAnswered ? "RECV" : "", channel.uuid, "", "", fields.origCallerIDName,
            fields.origCallerIDNumber, address, fields.destination, fields.dialplan ?? "",
            fields.context,
        ]
    }

    /// A call's row; the simulator bridges no legs, so the `b_` columns are empty.
    private func callRow(_ channel: Channel) -> [String] {
        let fields = channel.profileFields
        let address = channel.direction == .inbound ? fields.networkAddr ?? "" : ""
        let own = [
            channel.uuid, channel.direction.rawValue, factory.localStamp(fields.created / 1_000_000),
            String(fields.created / 1_000_000), channel.name, channel.state.name, fields.callerIDName,
            fields.callerIDNumber, address, fields.destination, "", "", "", channel.callState.name,
            fields.calleeIDName, fields.calleeIDNumber, channel.isAnswered ? "RECV" : "", channel.uuid,
            factory.identity.switchname, "", "",
        ]
        return own + Array(repeating: "", count: Self.callColumns.count - own.count)
    }

    private func json(_ live: [Channel]) -> String {
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
                ("hostname", factory.identity.switchname),
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
    }
}
