//! What `proxy-config cluster` shows: istioctl's filter, order and rows of the clusters
//! section (istio/istio `istioctl/pkg/writer/envoy/configdump/cluster.go`, 1.30.3 and
//! master@86c9f01 alike). Typed rows; the words are `render::tables::cluster`'s.

pub mod rows;
