//! What `proxy-config route` shows: istioctl's filter, order and rows of the routes section
//! (istio/istio `istioctl/pkg/writer/envoy/configdump/route.go`, 1.30.3 and master@86c9f01
//! alike). Typed rows; the words are `render::tables::route`'s.

pub mod domains;
pub mod rows;
