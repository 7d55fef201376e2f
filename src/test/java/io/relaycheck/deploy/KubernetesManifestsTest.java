package io.relaycheck.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes manifests under deploy/kubernetes agree with the application: the probes hit the
 * health endpoints on the port Quarkus listens on, the pod runs locked down as the image's user, the
 * NetworkPolicy lets out DNS and SMTP only, and every ConfigMap entry names a setting that exists.
 * Plain YAML parsing, no cluster: it catches the drift between files that review misses.
 */
class KubernetesManifestsTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");

    /** Every document of every file, with the file it came from. */
    record Doc(Path file, Map<String, Object> body) {
        String kind() {
            return (String) body.get("kind");
        }

        String name() {
            return (String) map(body, "metadata").get("name");
        }
    }

    static List<Path> files;
    static List<Doc> docs;
    static Properties applicationProperties;

    @BeforeAll
    static void load() throws IOException {
        assertTrue(Files.isDirectory(MANIFESTS), "no " + MANIFESTS + " (tests run from the repository root)");
        try (Stream<Path> s = Files.list(MANIFESTS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no YAML files in " + MANIFESTS);
        docs = new ArrayList<>();
        for (Path file : files) {
            int count = 0;
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                // SafeConstructor: plain maps, lists and scalars; no tags that instantiate classes.
                for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                    if (o == null) {
                        continue; // an empty document, e.g. after a trailing ---
                    }
                    docs.add(new Doc(file, asMap(o, file + ": a document")));
                    count++;
                }
            } catch (RuntimeException e) {
                fail(file + " is not valid YAML: " + e.getMessage(), e);
            }
            assertTrue(count > 0, file + " holds no YAML document");
        }
        applicationProperties = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"))) {
            applicationProperties.load(r);
        }
    }

    @Test
    void everyDocumentHasApiVersionKindAndName() {
        for (Doc d : docs) {
            assertNonBlank(d.body().get("apiVersion"), d.file() + ": apiVersion");
            assertNonBlank(d.body().get("kind"), d.file() + ": kind");
            assertNonBlank(map(d.body(), "metadata").get("name"), d.file() + ": metadata.name");
        }
        for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap",
                "NetworkPolicy", "Kustomization")) {
            assertEquals(1, docs.stream().filter(d -> kind.equals(d.kind())).count(), "one " + kind);
        }
    }

    @Test
    void kustomizationListsEveryManifest() {
        Set<String> listed = new TreeSet<>();
        for (Object r : list(one("Kustomization").body(), "resources")) {
            listed.add((String) r);
        }
        Set<String> present = files.stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(present, listed, "kustomization.yaml resources");
    }

    @Test
    void probesHitTheHealthEndpointsOnTheHttpPort() {
        Map<String, Object> c = container();
        int port = Integer.parseInt(applicationProperties.getProperty("quarkus.http.port").trim());
        assertEquals(8080, port, "quarkus.http.port");
        assertEquals(port, httpContainerPort(), "the container port named http is quarkus.http.port");
        assertEquals(2, map(one("Deployment").body(), "spec").get("replicas"), "replicas");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("livenessProbe", "/q/health/live");
        expected.put("readinessProbe", "/q/health/ready");
        expected.put("startupProbe", "/q/health/started");
        expected.forEach((probe, path) -> {
            Map<String, Object> get = map(map(c, probe), "httpGet");
            assertEquals(path, get.get("path"), probe + ".httpGet.path");
            assertPointsAtHttpPort(get.get("port"), probe + ".httpGet.port");
        });
    }

    @Test
    void containerIsLockedDownAsTheImageUser() throws IOException {
        Map<String, Object> pod = podSpec();
        Map<String, Object> podSc = map(pod, "securityContext");
        Map<String, Object> sc = map(container(), "securityContext");

        assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), "readOnlyRootFilesystem");
        assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), "allowPrivilegeEscalation");
        assertNotEquals(Boolean.TRUE, sc.get("privileged"), "privileged");
        assertEquals(Boolean.TRUE, effective(sc, podSc, "runAsNonRoot"), "runAsNonRoot");
        assertTrue(list(map(sc, "capabilities"), "drop").contains("ALL"), "capabilities.drop ALL");
        assertNull(map(sc, "capabilities").get("add"), "no capabilities added");
        Object seccomp = sc.containsKey("seccompProfile") ? sc.get("seccompProfile") : podSc.get("seccompProfile");
        assertEquals("RuntimeDefault", asMap(seccomp, "seccompProfile").get("type"), "seccompProfile");

        Matcher user = Pattern.compile("(?m)^USER\\s+(\\d+)\\s*$")
                .matcher(Files.readString(ROOT.resolve("docker/Dockerfile.jvm")));
        assertTrue(user.find(), "docker/Dockerfile.jvm has a numeric USER");
        assertEquals(Integer.parseInt(user.group(1)), effective(sc, podSc, "runAsUser"),
                "runAsUser is the Dockerfile's USER");

        // With a read-only root the JVM and Vert.x still need a writable /tmp.
        String volume = null;
        for (Object m : list(container(), "volumeMounts")) {
            Map<String, Object> mount = asMap(m, "volumeMount");
            if ("/tmp".equals(mount.get("mountPath"))) {
                volume = (String) mount.get("name");
            }
        }
        assertNotNull(volume, "a volume mounted at /tmp");
        String tmp = volume;
        assertTrue(list(pod, "volumes").stream().map(v -> asMap(v, "volume"))
                .anyMatch(v -> tmp.equals(v.get("name")) && v.containsKey("emptyDir")), "/tmp is an emptyDir");
    }

    @Test
    void resourcesEnvironmentAndJvmSizing() {
        Map<String, Object> c = container();
        Map<String, Object> resources = map(c, "resources");
        for (String section : List.of("requests", "limits")) {
            for (String r : List.of("cpu", "memory")) {
                assertNotNull(map(resources, section).get(r), "resources." + section + "." + r);
            }
        }
        String javaOpts = null;
        for (Object e : list(c, "env")) {
            Map<String, Object> env = asMap(e, "env");
            if ("JAVA_OPTS".equals(env.get("name"))) {
                javaOpts = (String) env.get("value");
            }
        }
        assertNotNull(javaOpts, "JAVA_OPTS is set");
        assertTrue(javaOpts.contains("-XX:MaxRAMPercentage=75"), "JAVA_OPTS sizes the heap from the limit: " + javaOpts);

        Set<String> fromConfigMaps = new LinkedHashSet<>();
        for (Object e : list(c, "envFrom")) {
            Object ref = asMap(e, "envFrom").get("configMapRef");
            if (ref != null) {
                fromConfigMaps.add((String) asMap(ref, "configMapRef").get("name"));
            }
        }
        assertEquals(Set.of(one("ConfigMap").name()), fromConfigMaps, "envFrom the ConfigMap");
    }

    @Test
    void serviceTargetsTheContainerPortOfThePods() {
        Map<String, Object> spec = map(one("Service").body(), "spec");
        assertEquals("ClusterIP", spec.getOrDefault("type", "ClusterIP"), "Service type");
        List<Object> ports = list(spec, "ports");
        assertEquals(1, ports.size(), "one Service port");
        Map<String, Object> port = asMap(ports.get(0), "Service port");
        assertEquals(80, port.get("port"), "Service port");
        assertPointsAtHttpPort(port.get("targetPort"), "Service targetPort");
        assertSelects(map(spec, "selector"), "Service selector");
    }

    @Test
    void networkPolicyLetsOutDnsAndSmtpOnly() {
        Map<String, Object> spec = map(one("NetworkPolicy").body(), "spec");
        assertEquals(Set.of("Ingress", "Egress"), new TreeSet<>(list(spec, "policyTypes")), "policyTypes");
        assertSelects(map(map(spec, "podSelector"), "matchLabels"), "NetworkPolicy podSelector");

        Set<String> ingress = new TreeSet<>();
        for (Object r : list(spec, "ingress")) {
            ingress.addAll(ports(asMap(r, "ingress rule"), "ingress rule"));
        }
        assertEquals(Set.of("TCP/" + httpContainerPort()), ingress, "ingress ports");

        Set<String> egress = new TreeSet<>();
        for (Object r : list(spec, "egress")) {
            Map<String, Object> rule = asMap(r, "egress rule");
            // A rule without to: allows every destination; one without ports: every port.
            assertFalse(list(rule, "to").isEmpty(), "every egress rule names its destinations");
            Set<String> p = ports(rule, "egress rule");
            egress.addAll(p);
            boolean dns = p.stream().allMatch(s -> s.endsWith("/53"));
            boolean smtp = p.stream().noneMatch(s -> s.endsWith("/53"));
            assertTrue(dns || smtp, "DNS and SMTP ports are separate rules: " + p);
            for (Object t : list(rule, "to")) {
                Map<String, Object> peer = asMap(t, "egress peer");
                if (dns) {
                    assertFalse(peer.containsKey("ipBlock"), "DNS goes to the cluster DNS, not to an ipBlock");
                } else {
                    assertTrue(peer.containsKey("ipBlock") && peer.size() == 1, "SMTP goes to ipBlocks: " + peer);
                    Map<String, Object> block = map(peer, "ipBlock");
                    if ("0.0.0.0/0".equals(block.get("cidr"))) {
                        assertTrue(list(block, "except").containsAll(List.of("10.0.0.0/8", "172.16.0.0/12",
                                "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")), "private ranges excepted");
                    }
                }
            }
        }
        assertEquals(Set.of("UDP/53", "TCP/53", "TCP/25", "TCP/465", "TCP/587"), egress, "egress ports");
    }

    @Test
    void hpaScalesTheDeploymentOnCpu() {
        Map<String, Object> hpa = one("HorizontalPodAutoscaler").body();
        assertEquals("autoscaling/v2", hpa.get("apiVersion"));
        Map<String, Object> spec = map(hpa, "spec");
        Map<String, Object> ref = map(spec, "scaleTargetRef");
        assertEquals("Deployment", ref.get("kind"), "scaleTargetRef.kind");
        assertEquals("apps/v1", ref.get("apiVersion"), "scaleTargetRef.apiVersion");
        assertEquals(one("Deployment").name(), ref.get("name"), "scaleTargetRef.name");
        assertEquals(2, spec.get("minReplicas"), "minReplicas");
        assertEquals(10, spec.get("maxReplicas"), "maxReplicas");
        List<Object> metrics = list(spec, "metrics");
        assertEquals(1, metrics.size(), "one metric");
        Map<String, Object> resource = map(asMap(metrics.get(0), "metric"), "resource");
        assertEquals("cpu", resource.get("name"), "metric");
        assertEquals("Utilization", map(resource, "target").get("type"), "target type");
        assertEquals(70, map(resource, "target").get("averageUtilization"), "target utilisation");
        assertNotNull(map(map(container(), "resources"), "requests").get("cpu"), "a CPU request to measure against");
    }

    @Test
    void configMapSetsOnlySettingsThatExist() throws IOException {
        Set<String> readmeKeys = readmeConfigurationKeys();
        Set<String> readmeEnv = readmeKeys.stream().map(KubernetesManifestsTest::envName).collect(Collectors.toSet());
        Set<String> propertiesEnv = applicationProperties.stringPropertyNames().stream()
                .filter(k -> !k.startsWith("%")).map(KubernetesManifestsTest::envName).collect(Collectors.toSet());

        Map<String, Object> data = map(one("ConfigMap").body(), "data");
        assertFalse(data.isEmpty(), "ConfigMap data");
        for (Map.Entry<String, Object> e : data.entrySet()) {
            String key = e.getKey();
            // Kubernetes refuses a ConfigMap whose values are YAML numbers or booleans.
            assertInstanceOf(String.class, e.getValue(), key + " must be a quoted string");
            if (key.startsWith("RELAY_CHECK_")) {
                assertTrue(readmeEnv.contains(key), key + " is no relay-check.* key of the README configuration table");
            } else {
                // A Quarkus setting may be overridden only where application.properties sets it, with its reason.
                assertTrue(key.startsWith("QUARKUS_") && propertiesEnv.contains(key),
                        key + " is neither RELAY_CHECK_* nor a key application.properties sets");
            }
        }
        for (String required : List.of("relay-check.probe.helo-name", "relay-check.probe.sender",
                "relay-check.probe.recipient-domain", "relay-check.limits.concurrent-dialogues-per-address",
                "relay-check.limits.command-timeout")) {
            assertTrue(data.containsKey(envName(required)), "ConfigMap sets " + envName(required));
        }
        assertEquals("RELAY_CHECK_LIMITS_COMMAND_TIMEOUT", envName("relay-check.limits.command-timeout"));
        assertEquals("true", data.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED"), "JSON logs on Kubernetes");
        assertEquals("false", String.valueOf(data.getOrDefault("RELAY_CHECK_POLICY_ALLOW_PRIVATE_TARGETS", "false")),
                "private targets stay refused");
        Object ports = data.get("RELAY_CHECK_POLICY_ALLOWED_PORTS");
        if (ports != null) {
            for (String p : ((String) ports).split(",")) {
                assertTrue(p.trim().matches("\\d+"), "single ports only, no ranges: " + p);
                assertTrue(Set.of("25", "465", "587").contains(p.trim()),
                        "allowed port " + p.trim() + " is one the NetworkPolicy lets out");
            }
        }
    }

    // ---- the README's configuration table ----

    static Set<String> readmeConfigurationKeys() throws IOException {
        Path readme = ROOT.resolve("README.md");
        assertTrue(Files.exists(readme), "README.md at the repository root holds the configuration table");
        Set<String> keys = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| `(relay-check\\.[a-z0-9.-]+)`");
        for (String line : Files.readAllLines(readme)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        assertTrue(keys.size() >= 10, "README configuration table rows found: " + keys);
        return keys;
    }

    /** The environment variable Quarkus maps to a property: non-alphanumerics become _, upper case. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    // ---- the Deployment ----

    static Map<String, Object> podSpec() {
        return map(map(map(one("Deployment").body(), "spec"), "template"), "spec");
    }

    static Map<String, Object> container() {
        List<Object> containers = list(podSpec(), "containers");
        assertEquals(1, containers.size(), "one container");
        return asMap(containers.get(0), "container");
    }

    static int httpContainerPort() {
        List<Map<String, Object>> http = list(container(), "ports").stream().map(p -> asMap(p, "port"))
                .filter(p -> "http".equals(p.get("name"))).toList();
        assertEquals(1, http.size(), "one container port named http");
        assertEquals("TCP", http.get(0).getOrDefault("protocol", "TCP"), "http port protocol");
        return (Integer) http.get(0).get("containerPort");
    }

    static void assertPointsAtHttpPort(Object port, String what) {
        if (port instanceof String s) {
            assertEquals("http", s, what);
        } else {
            assertEquals(httpContainerPort(), port, what);
        }
    }

    /** Every label of the selector is on the pod template: it selects the Deployment's pods. */
    static void assertSelects(Map<String, Object> selector, String what) {
        assertFalse(selector.isEmpty(), what + " is empty and would select everything");
        Map<String, Object> podLabels = map(map(map(map(one("Deployment").body(), "spec"), "template"), "metadata"), "labels");
        selector.forEach((k, v) -> assertEquals(v, podLabels.get(k), what + " label " + k));
    }

    static Object effective(Map<String, Object> container, Map<String, Object> pod, String key) {
        return container.containsKey(key) ? container.get(key) : pod.get(key);
    }

    static Set<String> ports(Map<String, Object> rule, String what) {
        List<Object> ports = list(rule, "ports");
        assertFalse(ports.isEmpty(), what + " without ports allows every port");
        Set<String> out = new TreeSet<>();
        for (Object o : ports) {
            Map<String, Object> p = asMap(o, what + " port");
            assertNull(p.get("endPort"), what + ": no port ranges");
            assertInstanceOf(Integer.class, p.get("port"), what + ": numeric port");
            out.add(p.getOrDefault("protocol", "TCP") + "/" + p.get("port"));
        }
        return out;
    }

    // ---- YAML access ----

    static Doc one(String kind) {
        List<Doc> found = docs.stream().filter(d -> kind.equals(d.kind())).toList();
        assertEquals(1, found.size(), "exactly one " + kind);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o, String what) {
        assertInstanceOf(Map.class, o, what + " is a mapping");
        return (Map<String, Object>) o;
    }

    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return asMap(parent.get(key), key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> parent, String key) {
        Object o = parent.get(key);
        assertInstanceOf(List.class, o, key + " is a list");
        return (List<Object>) o;
    }

    static void assertNonBlank(Object o, String what) {
        assertTrue(o instanceof String s && !s.isBlank(), what + " is a non-empty string");
    }
}
