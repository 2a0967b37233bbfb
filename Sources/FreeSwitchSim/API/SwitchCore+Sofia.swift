/// `sofia status` and `sofia status profile <name>`, laid out as in capture 10.
extension SwitchCore {
    func sofia(_ words: [String]) -> String {
        guard words.first == "status" else { return "-ERR Usage: sofia status [profile <name>]\n" }
        if words.count >= 3, words[1] == "profile" {
            guard let profile = profiles.first(where: { $0.name == words[2] }) else { return "Invalid Profile!\n" }
            return profileStatus(profile)
        }
        let rule = String(repeating: "=", count: 97)
        var out = "                     Name\t   Type\t                                      Data\tState\n\(rule)\n"
        for profile in profiles {
            out += pad(profile.name, 25) + "\t" + pad("profile", 7) + "\t" + pad(profile.url, 42) + "\tRUNNING (0)\n"
        }
        for gateway in gateways {
            let name = "\(profiles.first?.name ?? "external")::\(gateway)"
            out += pad(name, 25) + "\t" + pad("gateway", 7) + "\t" + pad("sip:\(gateway)", 42) + "\tNOREG\n"
        }
        out += "\(rule)\n\(profiles.count) profile\(profiles.count == 1 ? "" : "s") 0 aliases\n"
        return out
    }

    private func profileStatus(_ profile: SofiaProfile) -> String {
        let ip = profile.sipIP
        let calls = channels.values.filter { $0.profile.name == profile.name }
        let rows: [(String, String)] = [
            ("Name", profile.name), ("Domain Name", "N/A"), ("Auto-NAT", "false"),
            ("DBName", "sofia_reg_\(profile.name)"), ("Pres Hosts", ""), ("Dialplan", "XML"), ("Context", "public"),
            ("Challenge Realm", "auto_to"), ("RTP-IP", ip), ("Ext-RTP-IP", ip), ("SIP-IP", ip), ("Ext-SIP-IP", ip),
            ("URL", profile.url), ("BIND-URL", "\(profile.url);maddr=\(ip);transport=udp,tcp"),
            ("HOLD-MUSIC", "N/A"), ("OUTBOUND-PROXY", "N/A"), ("CODECS IN", "PCMU,PCMA"),
            ("CODECS OUT", "PCMU,PCMA"), ("TEL-EVENT", "101"), ("DTMF-MODE", "rfc2833"), ("CNG", "13"),
            ("SESSION-TO", "0"), ("MAX-DIALOG", "0"), ("MAX-RECV-RPS", "1000"), ("NOMEDIA", "false"),
            ("LATE-NEG", "false"), ("PROXY-MEDIA", "false"), ("AGGRESSIVENAT", "false"),
            ("CALLS-IN", String(calls.filter { $0.direction == .inbound }.count)), ("FAILED-CALLS-IN", "0"),
            ("CALLS-OUT", String(calls.filter { $0.direction == .outbound }.count)), ("FAILED-CALLS-OUT", "0"),
            ("REGISTRATIONS", "0"),
        ]
        var out = String(repeating: "=", count: 97) + "\n"
        for (name, value) in rows { out += pad(name, 17, left: true) + "\t" + value + "\n" }
        return out
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }
}
