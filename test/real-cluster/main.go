// Command real-cluster runs a small, real Kubernetes control plane on 127.0.0.1 for ambient-migrate's
// tests: an embedded etcd and kube-apiserver in this process, and kube-controller-manager, kube-scheduler
// and kwok (fake node and pod status: the one part that is not real) as child processes of this same
// binary, hyperkube-style, because the upstream commands keep process-global state (signal handlers,
// feature gates, metrics registries) that does not tolerate two of them in one process.
//
//	real-cluster up --data-dir DIR [--kubeconfig FILE] [--port N]
//
// prints one line "real-cluster ready kubeconfig=FILE server=URL" on stdout once the API server is ready,
// the node is Ready and the default ServiceAccount exists, then runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
	kwokconfig "sigs.k8s.io/kwok/pkg/config"
	kwokcmd "sigs.k8s.io/kwok/pkg/kwok/cmd"
	kwoklog "sigs.k8s.io/kwok/pkg/log"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: real-cluster up --data-dir DIR [--kubeconfig FILE] [--port N]")
		os.Exit(2)
	}
	sub := os.Args[1]
	args := os.Args[2:]
	var err error
	switch sub {
	case "up":
		err = up(args)
	case "kube-controller-manager":
		cmd := controllermanager.NewControllerManagerCommand()
		cmd.SetArgs(args)
		err = cmd.Execute()
	case "kube-scheduler":
		cmd := scheduler.NewSchedulerCommand()
		cmd.SetArgs(args)
		err = cmd.Execute()
	case "kwok":
		err = runKwok(args)
	default:
		err = fmt.Errorf("unknown command %q", sub)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "real-cluster %s: %v\n", sub, err)
		os.Exit(1)
	}
}

// runKwok is kwok's own main: its config flags are read from os.Args.
func runKwok(args []string) error {
	os.Args = append([]string{os.Args[0]}, args...)
	flagset := pflag.NewFlagSet("global", pflag.ContinueOnError)
	flagset.ParseErrorsAllowlist.UnknownFlags = true
	flagset.Usage = func() {}
	ctx, _ := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	ctx, _ = kwoklog.InitFlags(ctx, flagset)
	ctx, err := kwokconfig.InitFlags(ctx, flagset)
	if err != nil {
		return err
	}
	command := kwokcmd.NewCommand(ctx)
	// Kubernetes' verflag puts a non-bool --version on pflag.CommandLine, which cobra merges into every
	// command; cobra's own --version flag (added when Version is set) then fails to parse.
	command.Version = ""
	command.PersistentFlags().AddFlagSet(flagset)
	command.SetArgs(args)
	return command.ExecuteContext(ctx)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func writeKubeconfig(file, server string, ca []byte, user keyPair) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["real-cluster"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["real-cluster-admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: user.certPEM, ClientKeyData: user.keyPEM}
	cfg.Contexts["real-cluster"] = &clientcmdapi.Context{Cluster: "real-cluster", AuthInfo: "real-cluster-admin"}
	cfg.CurrentContext = "real-cluster"
	if user.cert.Subject.CommonName != "kubernetes-admin" {
		cfg.AuthInfos[user.cert.Subject.CommonName] = cfg.AuthInfos["real-cluster-admin"]
		delete(cfg.AuthInfos, "real-cluster-admin")
		cfg.Contexts["real-cluster"].AuthInfo = user.cert.Subject.CommonName
	}
	return clientcmd.WriteToFile(*cfg, file)
}

type child struct {
	name string
	cmd  *exec.Cmd
	log  string
}

func startChild(dataDir, name string, args ...string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logFile := filepath.Join(dataDir, "logs", name+".log")
	out, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{name}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	// The children die with this process, however it ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &child{name: name, cmd: cmd, log: logFile}, nil
}

func up(argv []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "directory for etcd data, certificates, kubeconfigs and component logs (required)")
	kubeconfigPath := fs.String("kubeconfig", "", "where to write the admin kubeconfig (default DATA-DIR/admin.kubeconfig)")
	port := fs.Int("port", 0, "API server port on 127.0.0.1 (0: a free one)")
	nodeName := fs.String("node", "kwok-node-0", "name of the node to create (kwok manages it, and every other node); empty: create none")
	podTerminationMs := fs.Int("pod-termination-ms", 0, "how long kwok, as the kubelet, takes to remove a pod marked for deletion")
	exitWithParent := fs.Bool("exit-with-parent", false, "stop when the process that started this one goes away (a test runner that was killed)")
	if err := fs.Parse(argv); err != nil {
		return err
	}
	if *dataDir == "" {
		return errors.New("--data-dir is required")
	}
	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		return err
	}
	if *kubeconfigPath == "" {
		*kubeconfigPath = filepath.Join(dir, "admin.kubeconfig")
	}
	for _, d := range []string{"etcd", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	started := time.Now()

	// Certificates.
	p, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return err
	}
	serviceIP := net.ParseIP("10.96.0.1")
	if _, err := p.serving("apiserver", serviceIP); err != nil {
		return err
	}
	admin, err := p.client("admin", "kubernetes-admin", "system:masters")
	if err != nil {
		return err
	}
	cmUser, err := p.client("controller-manager", "system:kube-controller-manager")
	if err != nil {
		return err
	}
	schedUser, err := p.client("scheduler", "system:kube-scheduler")
	if err != nil {
		return err
	}
	// kwok plays every kubelet: it writes node and pod status and node leases for all nodes.
	kwokUser, err := p.client("kwok", "kwok-controller", "system:masters")
	if err != nil {
		return err
	}
	if err := p.serviceAccountKey(); err != nil {
		return err
	}

	// etcd.
	clientPort, err := freePort()
	if err != nil {
		return err
	}
	peerPort, err := freePort()
	if err != nil {
		return err
	}
	if *port == 0 {
		if *port, err = freePort(); err != nil {
			return err
		}
	}
	ecfg := embed.NewConfig()
	ecfg.Dir = filepath.Join(dir, "etcd")
	ecfg.LogLevel = "error"
	ecfg.LogOutputs = []string{filepath.Join(dir, "logs", "etcd.log")}
	clientURL := mustURL(fmt.Sprintf("http://127.0.0.1:%d", clientPort))
	peerURL := mustURL(fmt.Sprintf("http://127.0.0.1:%d", peerPort))
	ecfg.ListenClientUrls, ecfg.AdvertiseClientUrls = []urlT{clientURL}, []urlT{clientURL}
	ecfg.ListenPeerUrls, ecfg.AdvertisePeerUrls = []urlT{peerURL}, []urlT{peerURL}
	ecfg.InitialCluster = ecfg.Name + "=" + peerURL.String()
	etcd, err := embed.StartEtcd(ecfg)
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()
	select {
	case <-etcd.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return errors.New("etcd did not become ready in 60s")
	}

	// kube-apiserver, in this process.
	server := fmt.Sprintf("https://127.0.0.1:%d", *port)
	apiArgs := []string{
		"--etcd-servers=" + clientURL.String(),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(*port),
		"--cert-dir=" + p.dir,
		"--tls-cert-file=" + p.path("apiserver.crt"),
		"--tls-private-key-file=" + p.path("apiserver.key"),
		"--client-ca-file=" + p.path("ca.crt"),
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.path("sa.pub"),
		"--service-account-signing-key-file=" + p.path("sa.key"),
		"--service-cluster-ip-range=10.96.0.0/12",
		"--allow-privileged=true",
		// The kubernetes Service's endpoints would be 127.0.0.1, which Endpoints validation rejects.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	}
	api := apiserver.NewAPIServerCommand()
	api.SetArgs(apiArgs)
	apiDone := make(chan error, 1)
	go func() { apiDone <- api.Execute() }()

	if err := writeKubeconfig(*kubeconfigPath, server, p.ca.certPEM, admin); err != nil {
		return err
	}
	kubeconfigs := map[string]keyPair{"controller-manager": cmUser, "scheduler": schedUser, "kwok": kwokUser}
	for name, user := range kubeconfigs {
		if err := writeKubeconfig(filepath.Join(dir, name+".kubeconfig"), server, p.ca.certPEM, user); err != nil {
			return err
		}
	}
	restConfig, err := clientcmd.BuildConfigFromFlags("", *kubeconfigPath)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := poll(ctx, apiDone, "kube-apiserver /readyz", func() (bool, error) {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && strings.TrimSpace(string(body)) == "ok", nil
	}); err != nil {
		return err
	}

	// The one node, before kwok starts managing it. Its capacity is what the scheduler sees.
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        *nodeName,
			Labels:      map[string]string{"kubernetes.io/hostname": *nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok"},
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
		},
		Status: corev1.NodeStatus{
			Capacity:    corev1.ResourceList{"cpu": resource.MustParse("64"), "memory": resource.MustParse("256Gi"), "pods": resource.MustParse("500")},
			Allocatable: corev1.ResourceList{"cpu": resource.MustParse("64"), "memory": resource.MustParse("256Gi"), "pods": resource.MustParse("500")},
		},
	}
	if *nodeName != "" {
		if _, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create node: %w", err)
		}
	}

	// kwok's stages: the upstream defaults kwokctl uses (node initialize + heartbeat with lease; pod ready,
	// complete, delete).
	podDelete, err := withDelay(podfast.DefaultPodDelete, *podTerminationMs)
	if err != nil {
		return err
	}
	stages := strings.Join([]string{nodefast.DefaultNodeInit, nodelease.DefaultNodeHeartbeatWithLease, podfast.DefaultPodReady, podfast.DefaultPodComplete, podDelete}, "\n---\n")
	stagesFile := filepath.Join(dir, "kwok-stages.yaml")
	if err := os.WriteFile(stagesFile, []byte(stages), 0o644); err != nil {
		return err
	}

	children := []*child{}
	defer func() {
		for _, c := range children {
			_ = c.cmd.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range children {
			done := make(chan struct{})
			go func() { _ = c.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = c.cmd.Process.Kill()
			}
		}
	}()
	for _, spec := range [][]string{
		{"kube-controller-manager",
			"--kubeconfig=" + filepath.Join(dir, "controller-manager.kubeconfig"),
			"--use-service-account-credentials=true",
			"--service-account-private-key-file=" + p.path("sa.key"),
			"--root-ca-file=" + p.path("ca.crt"),
			"--cluster-signing-cert-file=" + p.path("ca.crt"),
			"--cluster-signing-key-file=" + p.path("ca.key"),
			"--leader-elect=false",
			"--secure-port=0",
			"--controllers=*",
			"--profiling=false",
		},
		{"kube-scheduler",
			"--kubeconfig=" + filepath.Join(dir, "scheduler.kubeconfig"),
			"--leader-elect=false",
			"--secure-port=0",
			"--profiling=false",
		},
		{"kwok",
			"--kubeconfig=" + filepath.Join(dir, "kwok.kubeconfig"),
			"--config=" + stagesFile,
			"--manage-all-nodes=true",
			"--node-lease-duration-seconds=40",
		},
	} {
		c, err := startChild(dir, spec[0], spec[1:]...)
		if err != nil {
			return fmt.Errorf("start %s: %w", spec[0], err)
		}
		children = append(children, c)
	}
	childDied := make(chan error, len(children))
	for _, c := range children {
		go func() {
			err := c.cmd.Wait()
			childDied <- fmt.Errorf("%s exited (%v); its log: %s", c.name, err, c.log)
		}()
	}
	anyDied := make(chan error, 1)
	go func() {
		select {
		case err := <-apiDone:
			anyDied <- fmt.Errorf("kube-apiserver exited: %v", err)
		case err := <-childDied:
			anyDied <- err
		}
	}()

	if err := poll(ctx, anyDied, "node "+*nodeName+" Ready", func() (bool, error) {
		if *nodeName == "" {
			return true, nil
		}
		n, err := client.CoreV1().Nodes().Get(ctx, *nodeName, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	}); err != nil {
		return err
	}
	if err := poll(ctx, anyDied, "ServiceAccount default/default", func() (bool, error) {
		_, err := client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		return err
	}
	fmt.Printf("real-cluster ready kubeconfig=%s server=%s (%.1fs)\n", *kubeconfigPath, server, time.Since(started).Seconds())

	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	orphaned := make(chan struct{})
	if *exitWithParent {
		parent := os.Getppid()
		go func() {
			for os.Getppid() == parent {
				time.Sleep(time.Second)
			}
			close(orphaned)
		}()
	}
	select {
	case s := <-signals:
		fmt.Fprintf(os.Stderr, "real-cluster: %v, stopping\n", s)
		return nil
	case <-orphaned:
		fmt.Fprintln(os.Stderr, "real-cluster: the parent process is gone, stopping")
		return nil
	case err := <-anyDied:
		return err
	}
}

// withDelay gives a kwok Stage a delay before it acts: for pod-delete, the time a kubelet takes to stop
// the containers of a pod marked for deletion.
func withDelay(stage string, ms int) (string, error) {
	if ms <= 0 {
		return stage, nil
	}
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(stage), &obj); err != nil {
		return "", err
	}
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		return "", errors.New("stage without spec")
	}
	spec["delay"] = map[string]any{"durationMilliseconds": ms}
	out, err := yaml.Marshal(obj)
	return string(out), err
}

// poll calls probe every 100ms until it returns true, ctx ends, or something reports on died.
func poll(ctx context.Context, died <-chan error, what string, probe func() (bool, error)) error {
	for {
		ok, err := probe()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case err := <-died:
			return fmt.Errorf("waiting for %s: %w", what, err)
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
