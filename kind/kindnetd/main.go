// Command kindnetd is kit's minimal stand-in for kind's kindnetd (sigs.k8s.io/kind/images/kindnetd,
// a nested module the Go module proxy does not serve). It runs as kind's `kindnet` DaemonSet
// (host network, env HOST_IP and POD_SUBNET) and does what a kind cluster needs from it:
//
//   - writes /etc/cni/net.d/10-kindnet.conflist (ptp + host-local + portmap) for this node's
//     podCIDR, once the node has one;
//   - routes every other node's podCIDR via that node's InternalIP (multi-node clusters);
//   - masquerades traffic from pods to anything outside the cluster's pod subnet.
//
// It talks to the API server with the pod's service account over plain HTTPS (no client-go), and
// polls every few seconds; network policies are not implemented.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

const (
	saDir       = "/var/run/secrets/kubernetes.io/serviceaccount"
	cniConfPath = "/etc/cni/net.d/10-kindnet.conflist"
	interval    = 5 * time.Second
)

type nodeList struct {
	Items []node `json:"items"`
}

type node struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		PodCIDR  string   `json:"podCIDR"`
		PodCIDRs []string `json:"podCIDRs"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"status"`
}

func (n node) internalIPs() []string {
	var ips []string
	for _, a := range n.Status.Addresses {
		if a.Type == "InternalIP" {
			ips = append(ips, a.Address)
		}
	}
	return ips
}

func (n node) podCIDRs() []string {
	if len(n.Spec.PodCIDRs) > 0 {
		return n.Spec.PodCIDRs
	}
	if n.Spec.PodCIDR != "" {
		return []string{n.Spec.PodCIDR}
	}
	return nil
}

type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func newAPIClient() (*apiClient, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, fmt.Errorf("KUBERNETES_SERVICE_HOST/PORT are not set; kindnetd must run in a pod")
	}
	caPEM, err := os.ReadFile(filepath.Join(saDir, "ca.crt"))
	if err != nil {
		return nil, fmt.Errorf("reading the service account CA: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &apiClient{
		base: "https://" + net.JoinHostPort(host, port),
		http: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		},
	}, nil
}

func (c *apiClient) nodes() ([]node, error) {
	token, err := os.ReadFile(filepath.Join(saDir, "token"))
	if err != nil {
		return nil, fmt.Errorf("reading the service account token: %w", err)
	}
	req, err := http.NewRequest(http.MethodGet, c.base+"/api/v1/nodes", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/nodes: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	var list nodeList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	return list.Items, nil
}

func cniConfig(podCIDRs []string) []byte {
	ranges := make([]string, 0, len(podCIDRs))
	routes := make([]string, 0, 2)
	for _, cidr := range podCIDRs {
		ranges = append(ranges, fmt.Sprintf(`[ { "subnet": %q } ]`, cidr))
		if strings.Contains(cidr, ":") {
			routes = append(routes, `{ "dst": "::/0" }`)
		} else {
			routes = append(routes, `{ "dst": "0.0.0.0/0" }`)
		}
	}
	return []byte(fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "kindnet",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [ %s ],
        "ranges": [ %s ]
      },
      "mtu": 1500
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
`, strings.Join(routes, ", "), strings.Join(ranges, ", ")))
}

func writeIfChanged(path string, content []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// ensureMasquerade adds (once) a rule masquerading pod traffic that leaves the pod subnet.
func ensureMasquerade(podSubnet string) error {
	for _, subnet := range strings.Split(podSubnet, ",") {
		subnet = strings.TrimSpace(subnet)
		if subnet == "" {
			continue
		}
		tool := "iptables"
		if strings.Contains(subnet, ":") {
			tool = "ip6tables"
		}
		rule := []string{"POSTROUTING", "-s", subnet, "!", "-d", subnet, "-m", "comment", "--comment", "kindnet masquerade", "-j", "MASQUERADE"}
		if run(tool, append([]string{"-t", "nat", "-C"}, rule...)...) == nil {
			continue
		}
		if err := run(tool, append([]string{"-t", "nat", "-A"}, rule...)...); err != nil {
			return err
		}
	}
	return nil
}

func sync(c *apiClient, hostIP, podSubnet string) error {
	nodes, err := c.nodes()
	if err != nil {
		return err
	}
	for _, n := range nodes {
		self := false
		for _, ip := range n.internalIPs() {
			if ip == hostIP {
				self = true
			}
		}
		cidrs := n.podCIDRs()
		if len(cidrs) == 0 {
			continue
		}
		if self {
			changed, err := writeIfChanged(cniConfPath, cniConfig(cidrs))
			if err != nil {
				return fmt.Errorf("writing %s: %w", cniConfPath, err)
			}
			if changed {
				log.Printf("wrote %s for node %s (podCIDRs %v)", cniConfPath, n.Metadata.Name, cidrs)
			}
			continue
		}
		for _, cidr := range cidrs {
			for _, ip := range n.internalIPs() {
				if strings.Contains(cidr, ":") != strings.Contains(ip, ":") {
					continue
				}
				if err := run("ip", "route", "replace", cidr, "via", ip); err != nil {
					return err
				}
			}
		}
	}
	return ensureMasquerade(podSubnet)
}

func main() {
	hostIP, podSubnet := os.Getenv("HOST_IP"), os.Getenv("POD_SUBNET")
	if hostIP == "" {
		log.Fatal("HOST_IP is not set (the kindnet DaemonSet sets it from status.hostIP)")
	}
	c, err := newAPIClient()
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("kit kindnetd: host %s, pod subnet %s", hostIP, podSubnet)
	for {
		if err := sync(c, hostIP, podSubnet); err != nil {
			log.Printf("sync failed (retrying in %s): %v", interval, err)
		}
		time.Sleep(interval)
	}
}
