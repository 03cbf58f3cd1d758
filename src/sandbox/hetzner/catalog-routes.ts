/**
 * Read-only catalog endpoints: /locations, /datacenters, /server_types, /load_balancer_types, /images
 * (system images only: the sandbox has no snapshots or backups) and /pricing, each with the filters and
 * sort fields its spec operation lists.
 */
import {
  DATACENTERS,
  IMAGES,
  LOAD_BALANCER_TYPES,
  LOCATIONS,
  RECOMMENDED_DATACENTER,
  SERVER_TYPES,
} from "./catalog.ts";
import {
  datacenterView,
  imageView,
  loadBalancerTypeView,
  locationView,
  pricingView,
  serverTypeView,
} from "./catalog-views.ts";
import type { Handler } from "./context.ts";
import { notFound } from "./errors.ts";
import { enumParams, idParam, listResponse } from "./list-query.ts";
import type { Route } from "./router.ts";

const byIdAndName = { id: (x: { id: number }) => x.id, name: (x: { name: string }) => x.name };

function getter<T extends { id: number }>(
  items: readonly T[],
  key: string,
  what: string,
  view: (t: T) => unknown,
): Handler {
  return (req) => {
    const id = idParam(req);
    const item = items.find((i) => i.id === id);
    if (!item) throw notFound(`${what} with ID ${id}`);
    return { status: 200, body: { [key]: view(item) } };
  };
}

const listImages: Handler = (req) => {
  const types = enumParams(req.query, "type", ["system", "app", "snapshot", "backup"]);
  const statuses = enumParams(req.query, "status", ["available", "creating", "unavailable"]);
  const architecture = enumParams(req.query, "architecture", ["x86", "arm"])[0];
  const boundTo = req.query.getAll("bound_to");
  return listResponse(req, IMAGES, {
    key: "images",
    view: imageView,
    name: (i) => i.name,
    labels: () => ({}),
    sort: { ...byIdAndName, created: (i) => i.created },
    filters: [
      () => types.length === 0 || types.includes("system"),
      () => statuses.length === 0 || statuses.includes("available"),
      (i) => architecture === undefined || i.architecture === architecture,
      () => boundTo.length === 0, // system images are bound to no server
    ],
  });
};

const listDatacenters: Handler = (req) => {
  const response = listResponse(req, DATACENTERS, {
    key: "datacenters",
    view: datacenterView,
    name: (d) => d.name,
    sort: byIdAndName,
  });
  const body = response.body as Record<string, unknown>;
  return { ...response, body: { ...body, recommendation: RECOMMENDED_DATACENTER } };
};

export const catalogRoutes: Route<Handler>[] = [
  {
    method: "GET",
    template: "/locations",
    handler: (req) =>
      listResponse(req, LOCATIONS, {
        key: "locations",
        view: locationView,
        name: (l) => l.name,
        sort: byIdAndName,
      }),
  },
  {
    method: "GET",
    template: "/locations/{id}",
    handler: getter(LOCATIONS, "location", "Location", locationView),
  },
  { method: "GET", template: "/datacenters", handler: listDatacenters },
  {
    method: "GET",
    template: "/datacenters/{id}",
    handler: getter(DATACENTERS, "datacenter", "Datacenter", datacenterView),
  },
  {
    method: "GET",
    template: "/server_types",
    handler: (req) =>
      listResponse(req, SERVER_TYPES, { key: "server_types", view: serverTypeView, name: (t) => t.name }),
  },
  {
    method: "GET",
    template: "/server_types/{id}",
    handler: getter(SERVER_TYPES, "server_type", "Server type", serverTypeView),
  },
  {
    method: "GET",
    template: "/load_balancer_types",
    handler: (req) =>
      listResponse(req, LOAD_BALANCER_TYPES, {
        key: "load_balancer_types",
        view: loadBalancerTypeView,
        name: (t) => t.name,
      }),
  },
  {
    method: "GET",
    template: "/load_balancer_types/{id}",
    handler: getter(LOAD_BALANCER_TYPES, "load_balancer_type", "Load Balancer type", loadBalancerTypeView),
  },
  { method: "GET", template: "/images", handler: listImages },
  { method: "GET", template: "/images/{id}", handler: getter(IMAGES, "image", "Image", imageView) },
  { method: "GET", template: "/pricing", handler: () => ({ status: 200, body: { pricing: pricingView() } }) },
];
