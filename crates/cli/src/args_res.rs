//! Command-line arguments of the resource commands (VMs, workloads, tiers, users,
//! datacenters, raw API calls).

use clap::{Arg, Args, Subcommand, ValueEnum};

/// Confirmation and dry-run flags of every command that changes something.
#[derive(Debug, Clone, Copy, Args)]
pub struct Change {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Ask for confirmation even where the command would not
    #[arg(long, conflicts_with = "yes")]
    pub confirm: bool,
    /// Print the request that would be sent (secrets redacted) and send nothing
    #[arg(long)]
    pub what_if: bool,
}

/// A VM and the flags of a power action.
#[derive(Debug, Args)]
pub struct PowerArgs {
    /// VM id
    pub id: String,
    #[command(flatten)]
    pub wait: Wait,
    #[command(flatten)]
    pub change: Change,
}

/// What `vm rename`, `workload rename` and `tier rename` take; each gives the id its help
/// with [`id_help`].
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The id of what is renamed
    pub id: String,
    /// The new name
    pub new_name: String,
    #[command(flatten)]
    pub change: Change,
}

/// For `#[command(mut_args(...))]`: gives the `id` argument the help `help`, in place
/// (`mut_arg` would move it after the other arguments, in usage lines and man pages too).
fn id_help(help: &'static str) -> impl FnMut(Arg) -> Arg {
    move |arg| if arg.get_id() == "id" { arg.help(help) } else { arg }
}

/// `--wait` and `--timeout` of power actions.
#[derive(Debug, Clone, Copy, Args)]
pub struct Wait {
    /// Wait until the VM reaches the target state (a spinner shows progress on a terminal)
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds
    #[arg(long, default_value_t = 600, value_name = "SECONDS", requires = "wait")]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum VmCommand {
    /// List the VMs of the account (GET /vms)
    List {
        /// Only VMs whose name matches (wildcards * and ?, case-insensitive); no match is an error
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
    },
    /// Show a VM by id or core instance GUID (GET /vms/{id}, /vms/core/{guid})
    Show {
        /// VM id or core instance GUID
        vm: String,
    },
    /// Power on a VM (POST /vms/{id}/power/on)
    Start(PowerArgs),
    /// Stop a VM (asks first)
    ///
    /// --type shutdown (default) asks the guest OS to shut down cleanly. poweroff cuts the
    /// power at once, like pulling the plug: unsaved data in the guest is lost. forceoff
    /// only marks the VM as off in Armor's records and leaves it running: use it when the
    /// VM is already off but Armor still shows it on.
    Stop {
        /// VM id
        id: String,
        /// How to stop it
        #[arg(long = "type", value_enum, default_value_t = StopType::Shutdown)]
        kind: StopType,
        #[command(flatten)]
        wait: Wait,
        #[command(flatten)]
        change: Change,
    },
    /// Restart a VM through its guest OS (asks first)
    Restart(PowerArgs),
    /// Hard-reset a VM, like pressing its reset button (asks first)
    Reset(PowerArgs),
    /// Rename a VM (asks first)
    #[command(mut_args(id_help("VM id")))]
    Rename(RenameArgs),
    /// Remove a VM (asks first; the API answers 202 and removes it)
    Remove {
        /// VM id
        id: String,
        /// Delete at once instead of at the end of the billing period
        #[arg(long)]
        delete_now: bool,
        #[command(flatten)]
        change: Change,
    },
    /// Order a new VM (POST /orders/vms; asks first)
    ///
    /// The administrator secret is read from --secret-stdin, ARMOR_VM_SECRET or a hidden
    /// prompt, never from a flag value.
    Create(CreateVm),
}

#[derive(Debug, Args)]
pub struct CreateVm {
    /// Name of the new VM
    #[arg(long)]
    pub name: String,
    /// Datacenter code (see `armor datacenter list`)
    #[arg(long)]
    pub location: String,
    /// Product SKU, e.g. A1-101
    #[arg(long)]
    pub sku: String,
    /// Existing workload id
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "workload_name",
        conflicts_with = "workload_name"
    )]
    pub workload_id: Option<String>,
    /// Name of a new workload
    #[arg(long, value_name = "NAME")]
    pub workload_name: Option<String>,
    /// Existing tier id (of the workload)
    #[arg(long, value_name = "ID", required_unless_present = "tier_name", conflicts_with = "tier_name")]
    pub tier_id: Option<String>,
    /// Name of a new tier
    #[arg(long, value_name = "NAME")]
    pub tier_name: Option<String>,
    /// A disk of this many GB (repeat for more disks) [default: one 40 GB disk]
    #[arg(long = "disk", value_name = "GB")]
    pub disks: Vec<u32>,
    /// How many VMs
    #[arg(long, default_value_t = 1)]
    pub quantity: u32,
    /// Read the administrator secret from the first line of stdin
    #[arg(long)]
    pub secret_stdin: bool,
    #[command(flatten)]
    pub change: Change,
}

/// How `armor vm stop` stops a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StopType {
    /// Graceful shutdown through the guest OS
    Shutdown,
    /// Hard power off
    Poweroff,
    /// Mark as off in Armor without stopping it
    Forceoff,
}

#[derive(Debug, Subcommand)]
pub enum WorkloadCommand {
    /// List workloads (GET /apps)
    List {
        /// Only workloads whose name matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
    },
    /// Show a workload and its tiers (GET /apps/{id})
    Show {
        /// Workload id
        id: String,
    },
    /// Rename a workload (asks first)
    #[command(mut_args(id_help("Workload id")))]
    Rename(RenameArgs),
    /// Remove a workload (asks first)
    Remove {
        /// Workload id
        id: String,
        #[command(flatten)]
        change: Change,
    },
}

#[derive(Debug, Subcommand)]
pub enum TierCommand {
    /// List the tiers of a workload
    List {
        /// Workload id
        #[arg(long, value_name = "ID")]
        workload: String,
        /// Only tiers whose name matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
    },
    /// Show a tier and its VMs
    Show {
        /// Workload id
        #[arg(long, value_name = "ID")]
        workload: String,
        /// Tier id
        id: String,
    },
    /// Add a tier to a workload
    Add {
        /// Workload id
        #[arg(long, value_name = "ID")]
        workload: String,
        /// Name of the new tier
        name: String,
        #[command(flatten)]
        change: Change,
    },
    /// Rename a tier (asks first)
    #[command(mut_args(id_help("Tier id")))]
    Rename {
        /// Workload id
        #[arg(long, value_name = "ID")]
        workload: String,
        #[command(flatten)]
        rename: RenameArgs,
    },
    /// Remove a tier (asks first)
    Remove {
        /// Workload id
        #[arg(long, value_name = "ID")]
        workload: String,
        /// Tier id
        id: String,
        #[command(flatten)]
        change: Change,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List the account's users (GET /users)
    List {
        /// Only users whose e-mail matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        username: Option<String>,
        /// Only users whose first name matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        first_name: Option<String>,
        /// Only users whose last name matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        last_name: Option<String>,
    },
    /// Show a user (GET /users/{id})
    Show {
        /// User id
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DatacenterCommand {
    /// List datacenters (GET /locations)
    List {
        /// Only the datacenter with this id
        #[arg(long)]
        id: Option<u32>,
        /// Only datacenters whose name matches (wildcards)
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
        /// Only the datacenter with this code, e.g. DFW01
        #[arg(long, value_name = "CODE")]
        location: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// HTTP method: GET, POST, PUT, PATCH or DELETE
    pub method: String,
    /// API path, e.g. /vms or /apps/1/tiers
    pub path: String,
    /// Request body: JSON text, @FILE, or - for stdin
    #[arg(long)]
    pub body: Option<String>,
    /// Fail unless the response has this status [default: any 2xx]
    #[arg(long, value_name = "STATUS")]
    pub expect: Option<u16>,
    #[command(flatten)]
    pub change: Change,
}
