/// A configuration read again while the gate runs: listeners come and go, and new requests
/// decide by the new settings. Requests in the queue keep their deadlines, and no connection is
/// dropped.
extension ProviderCore {
    /// Adds a listener the new configuration names; its ID is the next index.
    public mutating func addListener(_ listener: ListenerConfiguration) -> ListenerID {
        let id = ListenerID(listeners.count)
        let settings = listener.overrides.applied(to: configuration)
        listenerOverrides.append(listener.overrides)
        listenerConfigurations.append(settings)
        listeners.append(ListenerStatus(id: id, endpoint: listener.endpoint, limit: settings.maxPending))
        return id
    }

    /// A listener the new configuration leaves out: it takes no more connections (the IO layer
    /// closes its socket); what it queued is decided, and what it proxies finishes, as before.
    public mutating func closeListener(_ id: ListenerID) {
        guard listeners.indices.contains(id.index) else { return }
        listeners[id.index].isClosed = true
        listeners[id.index].isPaused = false
    }

    /// Puts `configuration` in force, with `overrides` for the listeners it names: new requests
    /// decide by it. A listener paused for a limit that grew takes connections again.
    public mutating func reconfigure(
        _ configuration: ProviderConfiguration, overrides: [ListenerID: ListenerOverrides], at now: Moment
    ) -> ProviderOutput {
        self.configuration = configuration
        var output = ProviderOutput()
        for index in listeners.indices {
            if let changed = overrides[ListenerID(index)] { listenerOverrides[index] = changed }
            listenerConfigurations[index] = listenerOverrides[index].applied(to: configuration)
            listeners[index].limit = listenerConfigurations[index].maxPending
        }
        for listener in listeners where !listener.isClosed {
            resumeIfRoom(listener.id, at: now, into: &output)
        }
        return output
    }
}
