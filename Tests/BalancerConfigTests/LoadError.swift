import BalancerConfig

/// The error loading `yaml` (named `lb.yaml` in messages) gives, or nil when it loads.
func loadError(_ yaml: String) -> ConfigError? {
    do {
        _ = try BalancerConfigLoader.parse(yaml: yaml, file: "lb.yaml")
        return nil
    } catch {
        return error
    }
}
