//! The Istio resource behind a generated cluster or route: Istio writes its API path into
//! the `istio` filter metadata's `config` (`/apis/networking.istio.io/v1/namespaces/NS/
//! destination-rule/NAME`), and istioctl shows it as `NAME.NS`.

use crate::envoy::metadata::IstioConfig;

/// What istioctl's DESTINATION RULE and VIRTUAL SERVICE columns show for a config path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagingResource {
    /// Nothing shown: no config path, or a networking path of an unexpected length.
    Unshown,
    /// The resource `name` in `namespace`.
    Resource { name: String, namespace: String },
    /// A config that is not a networking.istio.io path (istioctl prints `<unknown>`).
    Unknown,
}

/// istio/istio `istioctl/pkg/writer/envoy/configdump/route.go` `describeManagement` and
/// `renderConfig` (1.30.3 and master@86c9f01): a present `config` that is not a string
/// reads as the empty string, hence `<unknown>`; a networking path must have exactly eight
/// `/`-separated pieces.
pub fn managing_resource(config: &IstioConfig<'_>) -> ManagingResource {
    let path = match config {
        IstioConfig::Absent => return ManagingResource::Unshown,
        IstioConfig::Path(path) => path.as_ref(),
        IstioConfig::NotAString => "",
    };
    if !path.starts_with("/apis/networking.istio.io/") {
        return ManagingResource::Unknown;
    }
    let pieces: Vec<&str> = path.split('/').collect();
    if pieces.len() != 8 {
        return ManagingResource::Unshown;
    }
    ManagingResource::Resource {
        name: pieces[7].to_string(),
        namespace: pieces[5].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str) -> ManagingResource {
        managing_resource(&IstioConfig::Path(path.into()))
    }

    /// Follows `renderConfig` (istioctl route.go).
    #[test]
    fn render_config_as_istioctl() {
        assert_eq!(
            of("/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews"),
            ManagingResource::Resource {
                name: "reviews".into(),
                namespace: "default".into()
            }
        );
        assert_eq!(
            of("/apis/networking.istio.io/v1/namespaces/default/virtual-service"),
            ManagingResource::Unshown
        );
        assert_eq!(
            of("/apis/other.io/v1/namespaces/a/b/c"),
            ManagingResource::Unknown
        );
        assert_eq!(
            managing_resource(&IstioConfig::NotAString),
            ManagingResource::Unknown
        );
        assert_eq!(
            managing_resource(&IstioConfig::Absent),
            ManagingResource::Unshown
        );
    }
}
