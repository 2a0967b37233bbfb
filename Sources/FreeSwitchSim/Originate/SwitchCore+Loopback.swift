/// The inbound leg of a call the simulated FreeSWITCH places to its own sofia
/// profile (capture 11): it gets the INVITE's `sip_h_*` headers but none of the
/// originate's `{}` variables, shares the SIP Call-ID, and is answered by the same
/// lab dialplan. Runs with the core's lock held.
extension SwitchCore {
    /// The INVITE arrives: STATE CS_NEW, CODEC ×2, STATE CS_INIT, CREATE, CALLSTATE
    /// → RINGING, STATE CS_ROUTING, STATE CS_EXECUTE, EXECUTE `answer`.
    func startInboundLeg(for outbound: Channel, user: String) {
        guard throttle.request(at: throttleSecond) else {
            outbound.call.behaviour = .reject(cause: .normalTemporaryFailure, sipStatus: 503, phrase: "Service Unavailable")
            return
        }
        sessionID += 1
        let profile = outbound.profile
        let callerNumber = outbound.profileFields.callerIDNumber
        let uuid = random.uuid()
        let channel = Channel(
            uuid: uuid, direction: .inbound, name: "sofia/\(profile.name)/\(callerNumber)@\(profile.sipIP)", profile: profile)
        channel.hasProfile = false
        channel.hitDialplan = true
        channel.state = .new
        channel.stateNumber = ChannelState.new.rawValue
        var fields = CallerProfile()
        fields.username = callerNumber
        fields.dialplan = "XML"
        fields.callerIDName = outbound.profileFields.callerIDName.isEmpty ? callerNumber : outbound.profileFields.callerIDName
        fields.callerIDNumber = callerNumber
        fields.origCallerIDName = fields.callerIDName
        fields.origCallerIDNumber = callerNumber
        fields.networkAddr = profile.sipIP
        fields.ani = callerNumber
        fields.destination = user
        fields.source = "mod_sofia"
        fields.context = "public"
        fields.calleeIDNumber = ""
        fields.created = tickedNow
        channel.profileFields = fields
        channel.call.peer = outbound.uuid
        outbound.call.peer = uuid
        let callID = SampleOverrides.forChannel(outbound).value("sip_call_id")
        let values = SampleOverrides.inbound(channel: channel, destination: user, callID: callID, sessionID: sessionID)
        channel.values = values
        channel.variables.set(VariableStages.inboundCreateHead, from: values)
        for name in outbound.variables.names where name.hasPrefix("sip_h_") {
            channel.variables.set(name, outbound.variables[name] ?? "")
        }
        channel.variables.set(VariableStages.inboundCreateTail, from: values)
        channels[uuid] = channel
        channelOrder.append(uuid)

        fire(channel, "CHANNEL_STATE")
        channel.hasProfile = true
        channel.hasCodec = true
        channel.call.hadMedia = true
        fire(
            channel, "CODEC",
            trailing: [
                ("channel-read-codec-name", "PCMU"), ("channel-read-codec-rate", "8000"),
                ("channel-read-codec-bit-rate", "64000"),
            ])
        fire(
            channel, "CODEC",
            trailing: [
                ("Channel-Write-Codec-Name", "PCMU"), ("Channel-Write-Codec-Rate", "8000"),
                ("Channel-Write-codec-bit-rate", "64000"),
            ])
        setState(channel, .initial)
        channel.stateNumber = ChannelState.routing.rawValue
        fire(channel, "CHANNEL_CREATE")
        channel.state = .routing
        setCallState(channel, .ringing)
        setState(channel, .routing)
        setState(channel, .execute)
        channel.variables.set("DP_MATCH", "ARRAY::\(user)|:\(user)")
        runApplication(channel, name: "answer", arguments: "", completes: false)
    }

    /// The dialplan's `answer` returns: ANSWER, CALLSTATE → ACTIVE, EXECUTE_COMPLETE
    /// `answer`, then the destination's application (`echo`, `park`, `playback`).
    func answerInbound(_ channel: Channel) {
        guard channel.isUp, !channel.isAnswered else { return }
        let values = SampleOverrides.forChannel(channel)
        channel.variables.set(VariableStages.inboundAnswer, from: values)
        channel.profileFields.answered = tickedNow
        channel.answerState = "answered"
        fire(channel, "CHANNEL_ANSWER")
        setCallState(channel, .active)
        if let answer = channel.call.application {
            channel.call.application = nil
            fire(
                channel, "CHANNEL_EXECUTE_COMPLETE",
                trailing: [("Application", answer.name), ("Application-Response", "_none_"), ("Application-UUID", answer.uuid)])
        }
        switch channel.profileFields.destination {
        case "park": runApplication(channel, name: "park", arguments: "", completes: false)
        case "tone", "tone5":
            runApplication(channel, name: "playback", arguments: "tone_stream://%(1000,0,440);loops=-1", completes: false)
        default: runApplication(channel, name: "echo", arguments: "", completes: false)
        }
    }
}
