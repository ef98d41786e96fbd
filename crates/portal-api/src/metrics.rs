//! Prometheus metrics, held in the app state (no global registry), rendered by `GET /metrics`.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub http_requests_total: IntCounterVec,
    pub http_request_duration_seconds: HistogramVec,
    pub pool_wait_seconds: Histogram,
    pub db_checkouts: IntCounter,
    db_queries: IntCounter,
    pub public_cache_hits: IntCounter,
    pub public_cache_misses: IntCounter,
    public_cache_bytes: IntGauge,
    pool_connections: IntGauge,
    pool_idle_connections: IntGauge,
    pool_max_size: IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("portal".into()), None).expect("valid metric prefix");
        let http_requests_total = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route pattern and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let http_request_duration_seconds = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by method and route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool_wait_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "db_pool_wait_seconds",
                "Time spent waiting for a database connection",
            )
            .buckets(vec![
                0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0,
            ]),
        )
        .expect("valid metric");
        let db_checkouts = IntCounter::new(
            "db_checkouts_total",
            "Database connections taken from the pool by requests and jobs",
        )
        .expect("valid metric");
        let db_queries = IntCounter::new(
            "db_queries_total",
            "SQL statements started on pooled connections by this process",
        )
        .expect("valid metric");
        let pool_connections = IntGauge::new("db_pool_connections", "Open database connections")
            .expect("valid metric");
        let pool_idle_connections =
            IntGauge::new("db_pool_idle_connections", "Idle database connections")
                .expect("valid metric");
        let pool_max_size = IntGauge::new("db_pool_max_size", "Largest size the pool may grow to")
            .expect("valid metric");
        let public_cache_hits = IntCounter::new(
            "public_cache_hits_total",
            "Public answers served from this replica's response cache",
        )
        .expect("valid metric");
        let public_cache_misses = IntCounter::new(
            "public_cache_misses_total",
            "Public answers rendered from the database",
        )
        .expect("valid metric");
        let public_cache_bytes = IntGauge::new(
            "public_cache_bytes",
            "Memory held by the public response cache",
        )
        .expect("valid metric");
        for collector in [
            Box::new(http_requests_total.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(http_request_duration_seconds.clone()),
            Box::new(pool_wait_seconds.clone()),
            Box::new(db_checkouts.clone()),
            Box::new(db_queries.clone()),
            Box::new(pool_connections.clone()),
            Box::new(pool_idle_connections.clone()),
            Box::new(pool_max_size.clone()),
            Box::new(public_cache_hits.clone()),
            Box::new(public_cache_misses.clone()),
            Box::new(public_cache_bytes.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Self {
            registry,
            http_requests_total,
            http_request_duration_seconds,
            pool_wait_seconds,
            db_checkouts,
            db_queries,
            public_cache_hits,
            public_cache_misses,
            public_cache_bytes,
            pool_connections,
            pool_idle_connections,
            pool_max_size,
        }
    }

    /// The text exposition format, with the pool gauges read at scrape time.
    pub fn render(&self, pool: &portal_db::Pool, public_cache_bytes: usize) -> String {
        self.public_cache_bytes
            .set(i64::try_from(public_cache_bytes).unwrap_or(i64::MAX));
        // A counter only moves forward: add what the process started since the last scrape.
        let started = portal_db::queries_started();
        self.db_queries
            .inc_by(started.saturating_sub(self.db_queries.get()));
        let state = pool.state();
        self.pool_connections.set(i64::from(state.connections));
        self.pool_idle_connections
            .set(i64::from(state.idle_connections));
        self.pool_max_size.set(i64::from(pool.max_size()));
        let mut buffer = Vec::new();
        // Encoding into a Vec cannot fail for the text format.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}
