#include "ui/widgets/BatchExportDialog.h"

#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include "core/enhance/Gamma.h"
#include "core/io/ImageLoader.h"
#include "ui/services/BatchExporter.h"

namespace nocturne::ui {

namespace {

QString formatSeconds(double seconds)
{
    if (seconds < 0)
        return QObject::tr("estimating...");
    const int s = static_cast<int>(std::lround(seconds));
    return s >= 60 ? QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60) : QObject::tr("%1 s left").arg(s);
}

}  // namespace

BatchExportDialog::BatchExportDialog(std::shared_ptr<const core::EnhancerRegistry> registry, QWidget* parent)
    : QDialog(parent), m_registry(std::move(registry))
{
    setWindowTitle(tr("Batch Export — Nocturne"));
    m_exporter = new BatchExporter(m_registry, this);

    // Inputs.
    auto* inputsBox = new QGroupBox(tr("Photos"), this);
    m_inputs = new QListWidget(inputsBox);
    m_inputs->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto* addFilesButton = new QPushButton(tr("Add Files..."), inputsBox);
    auto* addFolderButton = new QPushButton(tr("Add Folder..."), inputsBox);
    auto* removeButton = new QPushButton(tr("Remove"), inputsBox);
    auto* clearButton = new QPushButton(tr("Clear"), inputsBox);
    auto* inputButtons = new QHBoxLayout;
    for (QPushButton* b : {addFilesButton, addFolderButton, removeButton, clearButton})
        inputButtons->addWidget(b);
    inputButtons->addStretch(1);
    auto* inputsLayout = new QVBoxLayout(inputsBox);
    inputsLayout->addWidget(m_inputs);
    inputsLayout->addLayout(inputButtons);

    // Settings.
    auto* settingsBox = new QGroupBox(tr("Settings"), this);
    auto* form = new QFormLayout(settingsBox);
    m_method = new QComboBox(settingsBox);
    for (const auto& e : m_registry->all())
        m_method->addItem(QString::fromStdString(e->info().displayName), QString::fromStdString(e->info().id));
    m_m = new QDoubleSpinBox(settingsBox);
    m_m->setRange(0.01, core::ProcessLimits::kMaxTarget);
    m_m->setSingleStep(0.01);
    m_gamma = new QDoubleSpinBox(settingsBox);
    m_gamma->setRange(core::Gamma::kMin, core::Gamma::kMax);
    m_gamma->setSingleStep(0.05);
    m_outputDir = new QLineEdit(settingsBox);
    auto* browse = new QPushButton(tr("Browse..."), settingsBox);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_outputDir, 1);
    outRow->addWidget(browse);
    m_format = new QComboBox(settingsBox);
    m_format->addItem(QStringLiteral("JPEG"), static_cast<int>(core::ExportFormat::Jpeg));
    m_format->addItem(QStringLiteral("PNG"), static_cast<int>(core::ExportFormat::Png));
    m_format->addItem(QStringLiteral("TIFF"), static_cast<int>(core::ExportFormat::Tiff));
    m_format->addItem(tr("DNG (linear, RAW photos only)"), static_cast<int>(core::ExportFormat::Dng));
    m_quality = new QSpinBox(settingsBox);
    m_quality->setRange(1, 100);
    m_quality->setValue(92);
    m_bits = new QComboBox(settingsBox);
    m_bits->addItem(tr("8 bits"), 8);
    m_bits->addItem(tr("16 bits"), 16);
    m_space = new QComboBox(settingsBox);
    m_space->addItem(tr("sRGB"), static_cast<int>(core::OutputSpace::Srgb));
    m_space->addItem(tr("Linear Rec.2020"), static_cast<int>(core::OutputSpace::LinearRec2020));
    m_space->addItem(tr("Linear ProPhoto RGB"), static_cast<int>(core::OutputSpace::LinearProPhoto));
    m_space->setToolTip(tr("Linear wide-gamut spaces are for 16-bit TIFF going on to another editor; "
                           "the file carries the space's ICC profile"));
    auto* formatRow = new QHBoxLayout;
    formatRow->addWidget(m_format);
    formatRow->addWidget(new QLabel(tr("Quality"), settingsBox));
    formatRow->addWidget(m_quality);
    formatRow->addWidget(m_bits);
    formatRow->addWidget(m_space);
    formatRow->addStretch(1);
    m_pattern = new QLineEdit(QStringLiteral("{name}_nocturne"), settingsBox);
    m_pattern->setToolTip(tr("{name}: the photo's name, {method}: the method id, {index}: its number in the batch"));
    m_metadata = new QCheckBox(tr("Copy EXIF / XMP / IPTC from the source"), settingsBox);
    m_metadata->setChecked(true);
    m_overwrite = new QComboBox(settingsBox);
    m_overwrite->addItem(tr("Rename the new file"), static_cast<int>(core::OverwritePolicy::Rename));
    m_overwrite->addItem(tr("Skip the photo"), static_cast<int>(core::OverwritePolicy::Skip));
    m_overwrite->addItem(tr("Overwrite the output (never the source)"), static_cast<int>(core::OverwritePolicy::Overwrite));
    form->addRow(tr("Method"), m_method);
    form->addRow(tr("Amplifier m"), m_m);
    form->addRow(tr("Gamma"), m_gamma);
    form->addRow(tr("Output folder"), outRow);
    form->addRow(tr("Format"), formatRow);
    form->addRow(tr("File name"), m_pattern);
    form->addRow(QString(), m_metadata);
    form->addRow(tr("If the output exists"), m_overwrite);

    // Progress and results.
    auto* progressBox = new QGroupBox(tr("Progress"), this);
    m_overall = new QProgressBar(progressBox);
    m_file = new QProgressBar(progressBox);
    m_current = new QLabel(progressBox);
    m_eta = new QLabel(progressBox);
    m_failures = new QListWidget(progressBox);
    m_failures->setMaximumHeight(90);
    m_summary = new QLabel(progressBox);
    m_summary->setWordWrap(true);
    auto* progressForm = new QFormLayout(progressBox);
    progressForm->addRow(tr("All photos"), m_overall);
    progressForm->addRow(tr("This photo"), m_file);
    progressForm->addRow(m_current, m_eta);
    progressForm->addRow(tr("Failed"), m_failures);
    progressForm->addRow(m_summary);

    m_start = new QPushButton(tr("Start"), this);
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_openFolder = new QPushButton(tr("Open Output Folder"), this);
    auto* close = new QPushButton(tr("Close"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_openFolder);
    buttons->addStretch(1);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(inputsBox, 1);
    top->addWidget(settingsBox, 1);
    layout->addLayout(top);
    layout->addWidget(progressBox);
    layout->addLayout(buttons);

    connect(addFilesButton, &QPushButton::clicked, this, &BatchExportDialog::addFiles);
    connect(addFolderButton, &QPushButton::clicked, this, &BatchExportDialog::addFolder);
    connect(removeButton, &QPushButton::clicked, this, [this] { qDeleteAll(m_inputs->selectedItems()); });
    connect(clearButton, &QPushButton::clicked, m_inputs, &QListWidget::clear);
    connect(browse, &QPushButton::clicked, this, &BatchExportDialog::browseOutput);
    connect(m_format, &QComboBox::currentIndexChanged, this, &BatchExportDialog::syncFormatControls);
    connect(m_bits, &QComboBox::currentIndexChanged, this, &BatchExportDialog::syncFormatControls);
    connect(m_start, &QPushButton::clicked, this, &BatchExportDialog::startExport);
    connect(m_cancel, &QPushButton::clicked, this, &BatchExportDialog::cancelExport);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_exporter->summary().outputDir.isEmpty()
                                                          ? outputDir()
                                                          : m_exporter->summary().outputDir));
    });
    connect(m_exporter, &BatchExporter::fileStarted, this, [this](int index, const QString& source) {
        m_current->setText(tr("%1 (%2 of %3)").arg(QFileInfo(source).fileName()).arg(index + 1).arg(m_exporter->summary().total));
        m_file->setValue(0);
    });
    connect(m_exporter, &BatchExporter::fileProgressed, this,
            [this](int, double f) { m_file->setValue(static_cast<int>(f * 100)); });
    connect(m_exporter, &BatchExporter::overallProgressed, this, [this](double done, int total) {
        m_overall->setValue(total > 0 ? static_cast<int>(100.0 * done / total) : 0);
        m_eta->setText(formatSeconds(m_exporter->secondsLeft()));
    });
    connect(m_exporter, &BatchExporter::fileFinished, this, [this](const BatchEvent& e) {
        if (e.kind == BatchEvent::Kind::FileFailed)
            m_failures->addItem(QStringLiteral("%1 — %2").arg(QFileInfo(e.source).fileName(), e.message));
    });
    connect(m_exporter, &BatchExporter::batchFinished, this, &BatchExportDialog::onFinished);

    m_overall->setRange(0, 100);
    m_file->setRange(0, 100);
    setParams(EditorParams());
    syncFormatControls();
    setRunning(false);
    m_openFolder->setEnabled(false);
    resize(900, 620);
}

void BatchExportDialog::setInputs(const QStringList& filesOrFolders)
{
    m_inputs->clear();
    m_inputs->addItems(filesOrFolders);
}

QStringList BatchExportDialog::inputs() const
{
    QStringList out;
    for (int i = 0; i < m_inputs->count(); ++i)
        out << m_inputs->item(i)->text();
    return out;
}

void BatchExportDialog::setParams(const EditorParams& params)
{
    const int index = m_method->findData(params.method);
    if (index >= 0)
        m_method->setCurrentIndex(index);
    m_m->setValue(params.m);
    m_gamma->setValue(params.gamma);
    m_editorParams = params;
    m_shownM = m_m->value();
    m_shownGamma = m_gamma->value();
}

void BatchExportDialog::setOutputDir(const QString& dir)
{
    m_outputDir->setText(dir);
}

QString BatchExportDialog::outputDir() const
{
    return m_outputDir->text();
}

void BatchExportDialog::setNamePattern(const QString& pattern)
{
    m_pattern->setText(pattern);
}

void BatchExportDialog::setFormat(core::ExportFormat format, int bits)
{
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(format)));
    m_bits->setCurrentIndex(m_bits->findData(bits));
    syncFormatControls();
}

void BatchExportDialog::setColorSpace(core::OutputSpace space)
{
    m_space->setCurrentIndex(m_space->findData(static_cast<int>(space)));
}

void BatchExportDialog::setOverwritePolicy(core::OverwritePolicy policy)
{
    m_overwrite->setCurrentIndex(m_overwrite->findData(static_cast<int>(policy)));
}

BatchSettings BatchExportDialog::settings() const
{
    BatchSettings s;
    s.inputs = expandBatchInputs(inputs());
    s.outputDir = outputDir();
    s.namePattern = m_pattern->text();
    // The editor's settings (noise reduction, exposure ratio, loaded amplifier settings), with
    // the three this dialog shows as the user left them.
    s.params = m_editorParams.toProcessParams();
    s.params.method = m_method->currentData().toString().toStdString();
    // A spin box rounds to its decimals: the editor's exact value stays unless the user moved it.
    if (m_m->value() != m_shownM)
        s.params.amplifier.m = m_m->value();
    if (m_gamma->value() != m_shownGamma)
        s.params.gamma = static_cast<float>(m_gamma->value());
    s.exportOptions.format = static_cast<core::ExportFormat>(m_format->currentData().toInt());
    s.exportOptions.jpegQuality = m_quality->value();
    const bool fixedBits = s.exportOptions.format == core::ExportFormat::Jpeg || s.exportOptions.format == core::ExportFormat::Dng;
    s.exportOptions.bitsPerChannel = fixedBits ? 8 : m_bits->currentData().toInt();
    s.exportOptions.copyMetadata = m_metadata->isChecked();
    if (m_space->isEnabled())
        s.exportOptions.space = static_cast<core::OutputSpace>(m_space->currentData().toInt());
    s.overwrite = static_cast<core::OverwritePolicy>(m_overwrite->currentData().toInt());
    return s;
}

QStringList BatchExportDialog::failureLines() const
{
    QStringList out;
    for (int i = 0; i < m_failures->count(); ++i)
        out << m_failures->item(i)->text();
    return out;
}

QString BatchExportDialog::summaryText() const
{
    return m_summary->text();
}

bool BatchExportDialog::startExport()
{
    const BatchSettings s = settings();
    if (s.inputs.isEmpty()) {
        m_summary->setText(tr("Add photos or folders to export first."));
        return false;
    }
    m_failures->clear();
    m_summary->clear();
    m_overall->setValue(0);
    m_file->setValue(0);
    m_openFolder->setEnabled(false);
    if (!m_exporter->start(s))
        return false;
    setRunning(true);
    return true;
}

void BatchExportDialog::cancelExport()
{
    m_exporter->cancel();
    m_current->setText(tr("Stopping after the current photo..."));
}

void BatchExportDialog::addFiles()
{
    QStringList patterns;
    for (const std::string& ext : core::ImageLoader::supportedExtensions())
        patterns << QStringLiteral("*.") + QString::fromStdString(ext);
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add Photos"), QString(),
                                                            tr("Photos (%1)").arg(patterns.join(QLatin1Char(' '))));
    m_inputs->addItems(files);
}

void BatchExportDialog::addFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add Folder"));
    if (!dir.isEmpty())
        m_inputs->addItem(dir);
}

void BatchExportDialog::browseOutput()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Output Folder"), outputDir());
    if (!dir.isEmpty())
        setOutputDir(dir);
}

void BatchExportDialog::syncFormatControls()
{
    const auto format = static_cast<core::ExportFormat>(m_format->currentData().toInt());
    m_quality->setEnabled(format == core::ExportFormat::Jpeg);
    m_bits->setEnabled(format == core::ExportFormat::Png || format == core::ExportFormat::Tiff);
    // Linear values need 16 bits and a container that takes them as they are: 16-bit TIFF.
    m_space->setEnabled(format == core::ExportFormat::Tiff && m_bits->currentData().toInt() == 16);
}

void BatchExportDialog::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void BatchExportDialog::onFinished(const BatchSummary& summary)
{
    setRunning(false);
    if (!summary.fatalError.isEmpty()) {
        m_summary->setText(summary.fatalError);
        emit exportFinished(summary);
        return;
    }
    m_overall->setValue(summary.cancelled ? m_overall->value() : 100);
    m_eta->clear();
    m_current->setText(summary.cancelled ? tr("Cancelled.") : tr("Done."));
    QString text = tr("%1 of %2 photos written to %3 in %4 s.")
                       .arg(summary.written)
                       .arg(summary.total)
                       .arg(summary.outputDir)
                       .arg(summary.seconds, 0, 'f', 1);
    if (summary.skipped > 0)
        text += QLatin1Char(' ') + tr("%1 skipped (output exists).").arg(summary.skipped);
    if (!summary.failures.isEmpty())
        text += QLatin1Char(' ') + tr("%1 failed (listed above).").arg(summary.failures.size());
    if (summary.cancelled)
        text += QLatin1Char(' ') + tr("Cancelled before the end.");
    m_summary->setText(text);
    m_openFolder->setEnabled(summary.written > 0);
    emit exportFinished(summary);
}

}  // namespace nocturne::ui
