#!/usr/bin/env bash
# Replays "Ordered creation and stable names" from the StatefulSet Playground on a real cluster.
#
# You need kubectl and a test cluster you can throw away, for example:
#   kind create cluster --name sts-playground     # https://kind.sigs.k8s.io
#   minikube start -p sts-playground              # https://minikube.sigs.k8s.io
# Both come with a default StorageClass named "standard", as the playground does.
# Node names differ from the playground's (node-1, node-2...).
#
# Timing differs too: where the playground ran its simulation, this script waits with
# `kubectl rollout status` (see settle below), `kubectl wait` or `sleep`, with timeouts.
# Faults (a pod failing, a node going down, a readiness probe that never passes, an
# image that cannot be pulled) have no kubectl equivalent: they appear as comments,
# with a way to cause them by hand where there is one.
# Lines typed in an interactive pod shell are fed to `kubectl exec -i` as a script.
#
# Not `set -e`: a lesson may show a command failing on purpose.
set -uo pipefail

# Waits until every StatefulSet has rolled out (the playground's "run until settled").
settle() {
  local s
  for s in $(kubectl get statefulsets -o name); do
    kubectl rollout status "$s" --timeout=300s ||
      echo "# $s has not finished rolling out (the lesson may expect that)"
  done
}

kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
EOF
# web-0 is created first. web-1 is not created until web-0 is Running and Ready (R-13, R-15). Type kubectl get pods -w -l app=nginx in the console to follow it as the tutorials do in a second terminal.
kubectl wait --for=condition=Ready pod/web-0 --timeout=300s
# step 3: the lesson checks the cluster's state here
settle
# Each pod is named <set>-<ordinal> and gets its own claim, www-web-0, www-web-1… from the volumeClaimTemplates, created right before the pod (I-1, P-1, P-3).
# step 6: the lesson checks the cluster's state here
# task: Scale web to 5 replicas. Step through time and watch web-4 wait until web-3 is Running and Ready.
# hint: kubectl scale statefulset web --replicas=N (or change replicas in the editor and apply). Start kubectl get pods -w first to see each change.
kubectl scale statefulset web --replicas=5
settle
# Scaling up follows the same rule: web-3 first, and web-4 only after web-3 became Ready, each with its new claim (R-13, R-15).
# step 9: the lesson checks the cluster's state here
# task: Delete the pod web-1 and watch the controller bring it back.
# hint: kubectl delete pod NAME.
kubectl delete pod web-1
settle
# The replacement has the same name, web-1, and mounts the same claim, www-web-1: no claim is created for it (I-5, P-7). Its IP and node may change.
# step 12: the lesson checks the cluster's state here
