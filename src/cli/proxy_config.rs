//! `meshscope proxy-config` (alias `pc`): istioctl's proxy-config listener, ecds, cluster,
//! route, endpoint, secret, bootstrap, all and log.

use clap::{ArgAction, Args, Subcommand};

use super::{FleetArgs, InputArgs, LogArgs, OutputArgs};

/// Flags of the proxy-config group.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 printed; 2 an input could not be read, parsed or fetched, or bad flags."
)]
// istioctl takes --proxy-admin-port before the subcommand too (`pc --proxy-admin-port N
// listener POD`). The subcommands have their own from the shared KubeArgs; this global one,
// with the same id, only accepts that position: clap hands its value down to theirs.
#[command(arg(clap::Arg::new("proxy_admin_port")
    .long("proxy-admin-port")
    .global(true)
    .value_name("PORT")
    .default_value("15000")
    .value_parser(clap::value_parser!(u16))
    .help("Envoy proxy admin port used when reading from a pod")))]
pub struct ProxyConfigArgs {
    #[command(subcommand)]
    pub command: ProxyConfigCommand,
}

/// The proxy-config subcommands.
#[derive(Debug, Subcommand)]
pub enum ProxyConfigCommand {
    /// Listener configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// A listener update Envoy refused (a dynamic listener's error_state: the last LDS
    /// update it rejected, with its reason) is not a listener Envoy runs, and istioctl shows
    /// it nowhere. Each refused update the flags select gets one line on stderr ("meshscope:
    /// warning: Envoy refused …", with Envoy's reason) whatever the format. -o wide also
    /// lists the refused listener's rows, with STATE error, after the listeners with the
    /// same sort keys. -o json|yaml|jsonpath work on istioctl's array of the listeners Envoy
    /// runs (protojson field names whatever the dump's spelling, map keys and Struct
    /// payloads unchanged; YAML laid out as istioctl's), followed by one element per refused
    /// update as Envoy dumps it: {name, errorState: {failedConfiguration,
    /// lastUpdateAttempt, details}}. A dump without refused updates prints exactly
    /// istioctl's array.
    ///
    /// Fleet mode (-l SELECTOR, -A) reads every running sidecar selected (at most
    /// --concurrency at once) and prints one row per pod instead: its active, warming and
    /// draining listeners, the chains of its inbound listener (virtualInbound, port 15006),
    /// the mTLS mode they imply (one mode, or PORT=MODE per port when they differ) and the
    /// Wasm plugins placed on them (plugin=chains). With several --context, a CLUSTER
    /// column comes first. -o json|yaml|jsonpath give the same as data. A pod that cannot
    /// be read gets one error line; the others are still printed, and the exit code is 2.
    /// --bug-report gives the same rows offline, from an istioctl bug-report archive.
    #[command(visible_aliases = ["listeners", "l"])]
    #[command(mut_arg("namespace", |a| a.help(
        "Namespace of the pod, and of -l (default: the kubeconfig context's namespace, else \
         'default')",
    )))]
    #[command(mut_arg("timeout", |a| a.help(
        "Time bound of each live fetch (POD, --admin, or each pod in fleet mode), e.g. 30s, \
         500ms, 2m",
    )))]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, wide, json, yaml, or jsonpath=TEMPLATE. wide adds CHAIN, STATE \
         (active, warming, draining, or error: a listener update Envoy refused), WASM and MODE; \
         json, yaml and jsonpath print istioctl's listener array (the listeners Envoy runs), \
         then each refused update's {name, errorState}",
    )))]
    #[command(mut_arg("context", |a| a.help(
        "The kubeconfig context to use; repeatable in fleet mode (-l/-A): one run over \
         several clusters, with a CLUSTER column",
    )))]
    #[command(after_help = "Examples:\n  \
        # The inbound listener's filter chains, as istioctl prints them\n  \
        meshscope pc listener -f config_dump.json --port 15006\n\n  \
        # With chain names, state and the Wasm filters of each chain\n  \
        meshscope pc listener -f config_dump.json --port 15006 -o wide\n\n  \
        # Listener names only\n  \
        meshscope pc listener -f config_dump.json -o 'jsonpath={range [*]}{.name}{\"\\n\"}{end}'\n\n  \
        # One line per httpbin sidecar in every namespace\n  \
        meshscope pc listener -l app=httpbin -A\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, or bad flags (fleet mode: after\n\
        printing every pod that could be read, one error line per pod that could not).")]
    Listener(ListenerArgs),

    /// Extension configuration (ECDS) of an Envoy proxy, as istioctl prints it.
    #[command(visible_alias = "ec")]
    #[command(after_help = "Examples:\n  \
        meshscope pc ecds -f config_dump.json\n  \
        meshscope pc ecds -f config_dump.json -o wide\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, or bad flags.")]
    Ecds(EcdsArgs),

    /// Cluster configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// The dynamic active clusters, then the static ones, sorted by service FQDN, subset,
    /// port and direction as istioctl sorts them; a name of the form
    /// direction|port|subset|fqdn is shown cut into its parts, any other name whole.
    /// DESTINATION RULE is the DestinationRule Istio names in the cluster's metadata
    /// (filter_metadata.istio.config). -o json|yaml|jsonpath work on the array of the
    /// selected clusters, in the same order, as istioctl prints them (protojson field names
    /// whatever the dump's spelling, map keys and Struct payloads unchanged).
    #[command(visible_aliases = ["clusters", "c"])]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, json, yaml, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        # Every cluster, as istioctl prints them\n  \
        meshscope pc cluster -f config_dump.json\n\n  \
        # Clusters with port 9080\n  \
        meshscope pc cluster -f config_dump.json --port 9080\n\n  \
        # The inbound clusters of details.default.svc.cluster.local, in full\n  \
        meshscope pc cluster -f config_dump.json --fqdn details.default.svc.cluster.local --direction inbound -o json\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, it has no clusters section\n\
        or no cluster, or bad flags.")]
    Cluster(ClusterArgs),

    /// Route configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// The route configurations of the dump's routes section (RDS; inline routes of
    /// listeners are not in it): one row per route of each virtual host, routes to
    /// PassthroughCluster left out, a virtual host without routes shown as "/*" and "404".
    /// DOMAINS shows one domain as it is; of several, those without a port, less the longer
    /// forms of names also listed, the first two and "+ N more...". MATCH is the route's
    /// path match (headers are not shown); VIRTUAL SERVICE the VirtualService Istio names
    /// in the route's metadata. Order: as istioctl's sort leaves it (numeric names
    /// ascending among themselves). -o json|yaml|jsonpath work on the array of the selected
    /// route configurations as istioctl prints them (protojson field names whatever the
    /// dump's spelling, map keys and Struct payloads unchanged).
    #[command(visible_aliases = ["routes", "r"])]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, json, yaml, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        # Every route, as istioctl prints them\n  \
        meshscope pc route -f config_dump.json\n\n  \
        # The route configuration 9080, in full\n  \
        meshscope pc route -f config_dump.json --name 9080 -o json\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, it has no routes section\n\
        or no route configuration, or bad flags.")]
    Route(RouteArgs),

    /// Endpoint configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// From a pod or --admin, as istioctl's live `pc endpoint`: Envoy's
    /// /clusters?format=json, one row per host of each cluster, ENDPOINT STATUS (EDS health)
    /// OUTLIER CHECK (FAILED when the outlier detector ejected it) CLUSTER, sorted by
    /// address, port and cluster; -f takes that output saved to a file too. From a config
    /// dump file (-f DUMP): its endpoints section (EndpointsConfigDump, dumped only with
    /// ?include_eds=true) as istioctl's eds writer prints it, NAME (every address: ip:port, a
    /// pipe path, or envoy://LISTENER/ID) STATUS LOCALITY CLUSTER, dynamic assignments then
    /// static ones in istioctl's cluster order. --address is the host's IP for /clusters and
    /// ip:port for a dump, as in istioctl. -o json|yaml|jsonpath work on the clusters with a
    /// host the filters keep (/clusters), or on the selected load assignments with only the
    /// endpoints the filters keep (a dump).
    #[command(visible_aliases = ["endpoints", "ep"])]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, json, yaml, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        # Every host of every cluster of a running proxy, as istioctl prints them\n  \
        meshscope pc endpoint httpbin-7d5b9c6f48-qz8vw.default\n\n  \
        # The endpoints section of a dump taken with ?include_eds=true\n  \
        meshscope pc endpoint -f config_dump.json\n\n  \
        # The unhealthy endpoints of one cluster\n  \
        meshscope pc endpoint -f config_dump.json --cluster 'outbound|9080||reviews.default.svc.cluster.local' --status unhealthy\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, it has no endpoints section\n\
        (it was taken without include_eds), or bad flags.")]
    Endpoint(EndpointArgs),

    /// Secret configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// One row per dynamic secret (warming, then active): the first certificate of its
    /// chain, else of its trusted CA, else one row per SPIFFE trust domain; TYPE is CA or
    /// Cert Chain, VALID CERT whether now is inside its validity, NOT AFTER and NOT BEFORE
    /// in UTC. TRUST DOMAIN is added when every row has one. Key material is never printed:
    /// -o json|yaml|jsonpath work on the secrets section (static, dynamic active, dynamic
    /// warming) with every private key, password and generic secret shown as Envoy
    /// redacts it ([redacted]), whatever the dump holds.
    #[command(visible_aliases = ["secrets", "s"])]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, json, yaml, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        meshscope pc secret -f config_dump.json\n  \
        meshscope pc secret -f config_dump.json -o json\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, it has no secrets section,\n\
        or bad flags.")]
    Secret(SecretArgs),

    /// Bootstrap configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// The bootstrap section (BootstrapConfigDump) as JSON by default, or YAML; -o short
    /// prints istioctl's summary: the Istio version, the Istio proxy version and the Envoy
    /// version. Private keys and passwords of static secrets are shown redacted.
    #[command(visible_alias = "b")]
    #[command(mut_arg("output", |a| a.default_value("json").help(
        "Output format: json, yaml, short, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        meshscope pc bootstrap -f config_dump.json\n  \
        meshscope pc bootstrap -f config_dump.json -o short\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, it has no bootstrap section,\n\
        or bad flags.")]
    Bootstrap(BootstrapArgs),

    /// All configuration of an Envoy proxy, as istioctl prints it.
    ///
    /// istioctl's concatenation: the bootstrap summary, then the cluster, listener, route,
    /// secret and endpoint tables, each after a blank line, with a NAME column
    /// (cluster/NAME, listener/NAME, route/NAME, secret/NAME, endpoint/ADDRESS). The
    /// filters are those of each table (--port filters clusters, listeners and endpoints).
    /// A dump without an endpoints section prints that table's header only, as istioctl
    /// does; any other missing section ends the output there with an error. -o
    /// json|yaml|jsonpath work on the whole dump, with key material redacted.
    #[command(visible_alias = "a")]
    #[command(mut_arg("output", |a| a.help(
        "Output format: short, json, yaml, or jsonpath=TEMPLATE",
    )))]
    #[command(after_help = "Examples:\n  \
        meshscope pc all -f config_dump.json\n  \
        meshscope pc all -f config_dump.json --with-headers\n\n\
        Exit status: 0 printed; 2 an input could not be read, parsed or fetched, a section a table needs is\n\
        missing, or bad flags.")]
    All(AllArgs),

    /// Retrieves logging levels of the Envoy in the specified pod, and updates them.
    ///
    /// As istioctl: POST /logging to the proxy's admin port to read its loggers, then one
    /// POST /logging?level=LEVEL to change every logger and one POST
    /// /logging?LOGGER=LEVEL per named logger; prints POD.NAMESPACE: and Envoy's answer to
    /// the last call (its active loggers) for each pod. A logger name is accepted when the
    /// proxy's answer contains it, as istioctl checks it. Named loggers are set in byte
    /// order of their names (istioctl's order is Go's random map order). Live only: a
    /// config dump holds no log levels.
    #[command(visible_alias = "o")]
    #[command(after_help = "Examples:\n  \
        # Retrieve information about logging levels for a given pod from Envoy.\n  \
        meshscope proxy-config log <pod-name[.namespace]>\n\n  \
        # Update levels of the all loggers\n  \
        meshscope proxy-config log <pod-name[.namespace]> --level debug\n\n  \
        # Update levels of the specified loggers.\n  \
        meshscope proxy-config log <pod-name[.namespace]> --level http:debug,rbac:info\n\n  \
        # Reset levels of all the loggers to default value (warning).\n  \
        meshscope proxy-config log <pod-name[.namespace]> -r\n\n\
        Exit status: 0 printed; 2 a proxy could not be reached or refused a level, an unknown level or\n\
        logger, or bad flags (with -l: after printing every pod that answered).")]
    Log(LogArgs),
}

/// `pc listener` flags: istioctl's, plus `-o wide` and `-o jsonpath=`.
#[derive(Debug, Args)]
pub struct ListenerArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Filter listeners by port field (the listener's own port; 0 = all).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub port: u32,

    /// Filter listeners by address field (primary or additional address).
    #[arg(long, value_name = "ADDRESS")]
    pub address: Option<String>,

    /// Filter listeners by type field: HTTP, TCP, HTTP+TCP (case-insensitive).
    #[arg(long = "type", value_name = "TYPE")]
    pub listener_type: Option<String>,

    /// Output more information: one row per filter chain (false: one row per listener).
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub verbose: bool,

    /// istioctl's waypoint view: one row per filter chain and matcher path, LISTENER
    /// (envoy://NAME, or internal) CHAIN MATCH DESTINATION, in istioctl's listener order.
    /// istioctl prints one chain's matcher paths in Go map order, which is random; here
    /// each matcher map is walked in byte order of its keys, one of the orders istioctl can
    /// print. It takes no --port, --address, --type or -o (istioctl ignores them).
    #[arg(long, conflicts_with_all = ["port", "address", "listener_type", "output", "selector", "all_namespaces", "bug_report"])]
    pub waypoint: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// `pc cluster` flags: istioctl's.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Filter clusters by substring of Service FQDN field.
    #[arg(long, value_name = "FQDN")]
    pub fqdn: Option<String>,

    /// Filter clusters by Port field (0 = all).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "PORT",
        allow_negative_numbers = true
    )]
    pub port: i64,

    /// Filter clusters by substring of Subset field.
    #[arg(long, value_name = "SUBSET")]
    pub subset: Option<String>,

    /// Filter clusters by Direction field (a substring of the name, e.g. inbound, outbound).
    #[arg(long, value_name = "DIRECTION")]
    pub direction: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc route` flags: istioctl's.
#[derive(Debug, Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Filter route configurations by name (exact).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Output more information: one row per route (false: one row per route configuration,
    /// with its number of virtual hosts).
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub verbose: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc ecds` flags.
#[derive(Debug, Args)]
pub struct EcdsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc endpoint` flags: istioctl's.
#[derive(Debug, Args)]
pub struct EndpointArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Filter endpoints by address field (ip:port, compared without case).
    #[arg(long, value_name = "ADDRESS")]
    pub address: Option<String>,

    /// Filter endpoints by Port field (0 = all).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub port: u32,

    /// Filter endpoints by cluster name field (compared without case).
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,

    /// Filter endpoints by status field (HEALTHY, UNHEALTHY, DRAINING, ...).
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc secret` flags: istioctl's.
#[derive(Debug, Args)]
pub struct SecretArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc bootstrap` flags: istioctl's.
#[derive(Debug, Args)]
pub struct BootstrapArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `pc all` flags: istioctl's, those of each table.
#[derive(Debug, Args)]
pub struct AllArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print a "------ X INFO ------" line before each table.
    #[arg(long)]
    pub with_headers: bool,

    /// Output more information: one row per filter chain and per route (false: one row
    /// per listener and per route configuration).
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub verbose: bool,

    /// Filter clusters by substring of Service FQDN field.
    #[arg(long, value_name = "FQDN")]
    pub fqdn: Option<String>,

    /// Filter clusters by Direction field.
    #[arg(long, value_name = "DIRECTION")]
    pub direction: Option<String>,

    /// Filter clusters by substring of Subset field.
    #[arg(long, value_name = "SUBSET")]
    pub subset: Option<String>,

    /// Filter clusters, listeners and endpoints by Port field (0 = all).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub port: u32,

    /// Filter listeners by address field.
    #[arg(long, value_name = "ADDRESS")]
    pub address: Option<String>,

    /// Filter listeners by type field: HTTP, TCP, HTTP+TCP (case-insensitive).
    #[arg(long = "type", value_name = "TYPE")]
    pub listener_type: Option<String>,

    /// Filter routes by route name field.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}
