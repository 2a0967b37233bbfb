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
        if case .park = outbound.call.behaviour {
            // `noanswer`: the dialplan parks the call unanswered; an app rings or rejects it.
            runApplication(channel, name: "park", arguments: "", completes: false)
        } else {
            runApplication(channel, name: "answer", arguments: "", completes: false)
        }
    }

    /// One leg of a loop-back call has gone; `peer` is the other. After an answer the
    /// survivor gets a BYE (NORMAL_CLEARING). Before it, sofia turns the hangup into SIP:
    /// an inbound leg hung up with a cause sends the final response for that cause
    /// (`hangup_cause_to_sip`, with the Q.850 `Reason` FreeSWITCH adds), so the
    /// originate fails with the same cause; an originating leg that gives up (say at
    /// `originate_timeout`) sends CANCEL, and the inbound leg ends ORIGINATOR_CANCEL.
    func peerHungUp(_ peer: Channel, cause: HangupCause) {
        peer.call.peer = nil
        guard !peer.isAnswered else { return hangup(peer, cause: .normalClearing) }
        if peer.direction == .outbound {
            let (status, phrase) = Self.sipResponse(for: cause)
            reject(peer, cause: cause, sipStatus: status, phrase: phrase)
        } else {
            hangup(peer, cause: HangupCause(named: "ORIGINATOR_CANCEL") ?? .normalClearing)
        }
    }

    /// sofia_glue.c `hangup_cause_to_sip`, the common rows; anything else is 480.
    static func sipResponse(for cause: HangupCause) -> (Int, String) {
        switch cause.name {
        case "UNALLOCATED_NUMBER", "NO_ROUTE_TRANSIT_NET", "NO_ROUTE_DESTINATION": (404, "Not Found")
        case "USER_BUSY": (486, "Busy Here")
        case "CALL_REJECTED": (603, "Decline")
        case "NUMBER_CHANGED", "REDIRECTION_TO_NEW_DESTINATION": (410, "Gone")
        case "DESTINATION_OUT_OF_ORDER": (502, "Bad Gateway")
        case "INVALID_NUMBER_FORMAT": (484, "Address Incomplete")
        case "FACILITY_REJECTED": (501, "Not Implemented")
        case "NORMAL_CIRCUIT_CONGESTION", "NETWORK_OUT_OF_ORDER", "NORMAL_TEMPORARY_FAILURE", "SWITCH_CONGESTION",
            "SERVICE_UNAVAILABLE":
            (503, "Service Unavailable")
        case "INCOMPATIBLE_DESTINATION": (488, "Not Acceptable Here")
        case "RECOVERY_ON_TIMER_EXPIRE": (504, "Server Time-out")
        case "ORIGINATOR_CANCEL": (487, "Request Terminated")
        default: (480, "Temporarily Unavailable")
        }
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
